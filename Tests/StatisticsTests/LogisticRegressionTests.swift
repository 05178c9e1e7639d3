import Foundation
import Statistics
import Testing

/// Hand-made cases with closed-form answers.
@Suite struct LogisticRegressionTests {
    /// Φ from high-precision tables; the erfc route keeps full relative precision deep into the tail.
    @Test func normalDistributionKnownValues() {
        let cases: [(x: Double, cdf: Double)] = [
            (0, 0.5), (1, 0.84134474606854293), (1.96, 0.97500210485177952),
            (-8, 6.2209605742717841e-16), (-10, 7.6198530241605261e-24),
        ]
        for (x, expected) in cases {
            #expect(relativeDifference(NormalDistribution.cdf(x), expected, floor: 0) < 1e-13, "Φ(\(x))")
        }
        #expect(relativeDifference(NormalDistribution.survival(8), 6.2209605742717841e-16, floor: 0) < 1e-13)
        #expect(relativeDifference(NormalDistribution.twoSidedPValue(-1.96), 2 * (1 - 0.97500210485177952), floor: 0) < 1e-12)
        #expect(NormalDistribution.twoSidedPValue(0) == 1)
    }

    /// A 2x2 table: x = 0 has 3 of 10 successes, x = 1 has 6 of 10. The model is saturated, so the intercept
    /// is logit(3/10), the slope the log odds ratio log(3.5), its standard error √(1/3 + 1/7 + 1/6 + 1/4).
    static let table: (features: [[Double]], outcomes: [Bool]) = {
        var features = [[Double]](), outcomes = [Bool]()
        for (x, successes) in [(0.0, 3), (1.0, 6)] {
            for i in 0..<10 {
                features.append([x])
                outcomes.append(i < successes)
            }
        }
        return (features, outcomes)
    }()

    @Test func twoByTwoTableHasClosedFormEstimates() throws {
        let fit = try LogisticRegression.fit(features: Self.table.features, outcomes: Self.table.outcomes, names: ["x"])
        #expect(fit.converged)
        #expect(abs(fit.intercept - log(3.0 / 7)) < 1e-12)
        #expect(abs(fit.coefficients[0] - log(3.5)) < 1e-12)
        let slopeSE = (1.0 / 3 + 1.0 / 7 + 1.0 / 6 + 1.0 / 4).squareRoot()
        #expect(abs(fit.standardErrors[0]! - slopeSE) < 1e-12)
        #expect(abs(fit.interceptStandardError! - (1.0 / 3 + 1.0 / 7).squareRoot()) < 1e-12)
        #expect(abs(fit.zValues[0]! - log(3.5) / slopeSE) < 1e-12)
        #expect(abs(fit.pValues[0]! - erfc(log(3.5) / slopeSE / 2.0.squareRoot())) < 1e-12)
        let ll = 3 * log(0.3) + 7 * log(0.7) + 6 * log(0.6) + 4 * log(0.4)
        #expect(abs(fit.logLikelihood - ll) < 1e-12)
        #expect(abs(fit.nullLogLikelihood - (9 * log(0.45) + 11 * log(0.55))) < 1e-12)
        #expect(fit.designRank == 2 && fit.notIdentified.isEmpty && !fit.perfectlySeparated)
        #expect(fit.coefficient("x") == fit.coefficients[0])
        #expect(abs(fit.probability([1]) - 0.6) < 1e-12)
    }

    /// Separable data have no MLE: the step cap (or a vanishing Fisher information) ends the fit, unconverged.
    @Test func separableDataStopAndSayWhy() throws {
        let features: [[Double]] = [[-2], [-1], [-0.5], [0.5], [1], [2]]
        let outcomes = [false, false, false, true, true, true]
        let fit = try LogisticRegression.fit(features: features, outcomes: outcomes, names: ["x"])
        #expect(!fit.converged)
        #expect(fit.perfectlySeparated)
        #expect(fit.iterations <= LogisticRegression.defaultMaximumIterations)
        #expect(fit.coefficients[0] > 5)
        #expect(fit.logLikelihood > -1e-3 && fit.logLikelihood <= 0)
        // A single class is separated by the intercept alone.
        let single = try LogisticRegression.fit(features: [[1], [2], [3]], outcomes: [true, true, true], names: ["x"])
        #expect(!single.converged && single.nullLogLikelihood == 0)
    }

    /// A duplicated column: the likelihood only sees b₁ + b₂. The minimum-norm estimate splits the one-column
    /// slope evenly; neither coefficient is identified, the intercept is.
    @Test func duplicatedColumnGivesMinimumNormSplit() throws {
        let features = Self.table.features.map { [$0[0], $0[0]] }
        let fit = try LogisticRegression.fit(features: features, outcomes: Self.table.outcomes, names: ["a", "b"])
        #expect(fit.converged)
        #expect(fit.designRank == 2 && fit.designColumns == 3)
        #expect(fit.notIdentified == ["a", "b"])
        #expect(abs(fit.coefficients[0] - log(3.5) / 2) < 1e-12 && abs(fit.coefficients[1] - log(3.5) / 2) < 1e-12)
        #expect(fit.standardErrors == [nil, nil] && fit.pValues == [nil, nil])
        #expect(abs(fit.intercept - log(3.0 / 7)) < 1e-12)
        #expect(abs(fit.interceptStandardError! - (1.0 / 3 + 1.0 / 7).squareRoot()) < 1e-12)
    }

    /// A constant column is collinear with the intercept: b₀ + 3·b₁ = logit(mean), minimum norm along (1, 3).
    @Test func constantColumnIsCollinearWithTheIntercept() throws {
        let outcomes = [true, false, false, true, false]
        let fit = try LogisticRegression.fit(features: Array(repeating: [3], count: 5), outcomes: outcomes, names: ["k"])
        let logit = log(2.0 / 3)
        #expect(fit.converged)
        #expect(fit.notIdentified == ["k", "intercept"])
        #expect(abs(fit.intercept - logit / 10) < 1e-12 && abs(fit.coefficients[0] - 3 * logit / 10) < 1e-12)
        #expect(abs(fit.logLikelihood - fit.nullLogLikelihood) < 1e-12)
    }

    @Test func refusesMalformedInput() {
        #expect(throws: StatisticsError.raggedRow(row: 1, expected: 2, found: 1)) {
            try LogisticRegression.fit(features: [[1, 2], [3]], outcomes: [true, false], names: ["a", "b"])
        }
        #expect(throws: StatisticsError.nonFiniteValue(row: 0, column: "b")) {
            try LogisticRegression.fit(features: [[1, .nan]], outcomes: [true], names: ["a", "b"])
        }
        #expect(throws: StatisticsError.countMismatch(what: "outcomes (one per row)", expected: 1, found: 2)) {
            try LogisticRegression.fit(features: [[1]], outcomes: [true, false], names: ["a"])
        }
        #expect(throws: StatisticsError.emptyData("the feature table has no rows")) {
            try LogisticRegression.fit(features: [], outcomes: [], names: ["a"])
        }
        let message = StatisticsError.nonFiniteValue(row: 4, column: "steps").description
        #expect(message.contains("row 4") && message.contains("'steps'"))
    }

    @Test func codableRoundTrip() throws {
        let fit = try LogisticRegression.fit(features: Self.table.features, outcomes: Self.table.outcomes, names: ["x"])
        let data = try JSONEncoder().encode(fit)
        #expect(try JSONDecoder().decode(LogisticFit.self, from: data) == fit)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect((object["coefficients"] as! [String: Any])["x"] is NSNumber)
        #expect(object["rows"] as? Int == 20)
    }
}
