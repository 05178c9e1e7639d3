import Foundation
import Statistics
import Testing

/// The probe numerics (F-tests, ridge, L2 logistic regression) against their definitions, computed directly
/// here, and against scikit-learn's values for a small table (`Scripts/probe_reference.py`, scikit-learn 1.9.1).
@Suite struct ProbeNumericsTests {
    /// The table of `Scripts/probe_reference.py`.
    static let table: [[Double]] = [
        [0.5, 1.0, -2.0], [1.5, 0.0, -1.0], [2.0, 1.0, 0.5], [3.5, 0.0, 1.0],
        [4.0, 1.0, 0.0], [5.5, 0.0, 2.5], [6.0, 1.0, 1.5], [7.5, 1.0, 3.0],
    ]
    static let labels = [false, true, true, false, true, true, false, true]
    static let values = [1.0, 2.5, 2.0, 4.0, 4.5, 6.5, 6.0, 8.5]
    static var floatRows: [[Float]] { table.map { $0.map(Float.init) } }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// Random table from a seeded generator: `rows × columns` values around `offset`, labels, targets.
    static func randomTable(rows: Int, columns: Int, seed: UInt64, offset: Double = 0)
        -> (rows: [[Double]], labels: [Bool], targets: [Double])
    {
        var generator = SplitMix64(seed: seed)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        var table: [[Double]] = [], labels: [Bool] = [], targets: [Double] = []
        for _ in 0..<rows {
            let label = uniform() < 0.4
            let row = (0..<columns).map { j in offset + uniform() * Double(j + 1) + (label && j % 2 == 0 ? 0.3 : 0) }
            labels.append(label)
            targets.append(row[0] * 0.5 - row[1] + uniform())
            table.append(row.map { Double(Float($0)) })  // the accumulator reads Float32 rows
        }
        return (table, labels, targets)
    }

    // MARK: - F statistics

    @Test func classificationFMatchesScikitLearn() {
        let expected = [0.16586538461538344, 0.02678571428571419, 0.4185267857142856]
        let scores = FTest.classification(Self.floatRows, labels: Self.labels)
        for (score, value) in zip(scores, expected) { #expect(Self.close(score, value, 1e-12), "\(score) vs \(value)") }
    }

    /// The in-memory two-pass F (`FTest.classification(rows:labels:)`) and the streamed one agree.
    @Test func streamedAndTwoPassClassificationFAgree() throws {
        let data = Self.randomTable(rows: 200, columns: 4, seed: 21, offset: 50)
        let twoPass = try FTest.classification(rows: data.rows, labels: data.labels)
        let streamed = FTest.classification(data.rows.map { $0.map(Float.init) }, labels: data.labels)
        for (a, b) in zip(streamed, twoPass) { #expect(Self.close(a, b, 1e-8), "\(a) vs \(b)") }
    }

    @Test func regressionFMatchesScikitLearn() {
        let expected = [223.2121753246775, 0.001114413075780089, 28.259408602150557]
        let scores = FTest.regression(Self.floatRows, targets: Self.values)
        for (score, value) in zip(scores, expected) { #expect(Self.close(score, value, 1e-10), "\(score) vs \(value)") }
    }

    /// The streamed statistic equals the ANOVA F computed from its definition with two-pass means, also for
    /// features far from zero (the accumulator sums deviations from a reference row).
    @Test(arguments: [0.0, 1000.0]) func classificationFEqualsTheDefinition(offset: Double) {
        let data = Self.randomTable(rows: 300, columns: 6, seed: 7, offset: offset)
        let scores = FTest.classification(data.rows.map { $0.map(Float.init) }, labels: data.labels)
        for j in 0..<6 {
            let column = data.rows.map { $0[j] }
            let positive = zip(column, data.labels).filter { $0.1 }.map(\.0)
            let negative = zip(column, data.labels).filter { !$0.1 }.map(\.0)
            func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
            let grand = mean(column), m1 = mean(positive), m0 = mean(negative)
            let between = Double(positive.count) * (m1 - grand) * (m1 - grand) + Double(negative.count) * (m0 - grand) * (m0 - grand)
            let within = positive.reduce(0) { $0 + ($1 - m1) * ($1 - m1) } + negative.reduce(0) { $0 + ($1 - m0) * ($1 - m0) }
            let f = between / (within / Double(column.count - 2))
            #expect(Self.close(scores[j], f, offset == 0 ? 1e-10 : 1e-6), "feature \(j): \(scores[j]) vs \(f)")
        }
    }

    @Test func regressionFEqualsTheDefinition() {
        let data = Self.randomTable(rows: 250, columns: 5, seed: 11)
        let scores = FTest.regression(data.rows.map { $0.map(Float.init) }, targets: data.targets)
        let n = Double(data.targets.count)
        let my = data.targets.reduce(0, +) / n
        for j in 0..<5 {
            let column = data.rows.map { $0[j] }
            let mx = column.reduce(0, +) / n
            var xy = 0.0, xx = 0.0, yy = 0.0
            for (x, y) in zip(column, data.targets) {
                xy += (x - mx) * (y - my)
                xx += (x - mx) * (x - mx)
                yy += (y - my) * (y - my)
            }
            let r2 = xy * xy / (xx * yy)
            #expect(Self.close(scores[j], r2 / (1 - r2) * (n - 2), 1e-9))
        }
    }

    /// By hand: values 0,0 | 1,1 (a perfect separator) → within-class spread 0, F = +∞; a constant feature → 0;
    /// values 0,2 | 1,3: class means 1 and 2, grand mean 1.5, SS_between = 4·0.25 = 1, SS_within = 2 + 2 = 4,
    /// F = 1 / (4 / 2) = 0.5.
    @Test func degenerateAndHandComputedFeatures() {
        let rows: [[Float]] = [[0, 5, 0], [0, 5, 2], [1, 5, 1], [1, 5, 3]]
        let scores = FTest.classification(rows, labels: [false, false, true, true])
        #expect(scores[0] == .infinity)
        #expect(scores[1] == 0)
        #expect(Self.close(scores[2], 0.5, 1e-14))
        let regression = FTest.regression(rows, targets: [2, 2, 4, 4])
        #expect(regression[0] == .greatestFiniteMagnitude)
        #expect(regression[1] == 0)
    }

    @Test func topIndicesRankBestFirstWithTiesToTheLowerIndex() {
        #expect(FTest.topIndices([1, 5, .nan, 5, .infinity, 0], count: 4) == [4, 1, 3, 0])
        #expect(FTest.topIndices([3, 2], count: 5) == [0, 1])
    }

    // MARK: - Ridge

    @Test func ridgeMatchesScikitLearn() throws {
        let fit = try RidgeRegression.fit(features: Self.table.flatMap { $0 }, rows: 8, columns: 3, targets: Self.values, alpha: 2)[0]
        let expected = [0.8687906415499093, -0.15590433733324388, 0.19511295836964573]
        for (value, reference) in zip(fit.coefficients, expected) { #expect(Self.close(value, reference, 1e-12)) }
        #expect(Self.close(fit.intercept, 1.0260357310451167, 1e-12))
    }

    /// The normal equations of ‖y − Xw − b‖² + α‖w‖² (b unpenalised) solved by Gaussian elimination here,
    /// against every prefix fit; each prefix also equals a fit on just those columns.
    @Test func ridgeEqualsTheNormalEquations() throws {
        let data = Self.randomTable(rows: 120, columns: 7, seed: 3)
        let alpha = 0.75
        let fits = try RidgeRegression.fit(features: data.rows.flatMap { $0 }, rows: 120, columns: 7, targets: data.targets,
                                           alpha: alpha, prefixes: [2, 7])
        for (p, fit) in zip([2, 7], fits) {
            // Unknowns (w₁ … w_p, b).
            let size = p + 1
            var a = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
            for (row, y) in zip(data.rows, data.targets) {
                let x = Array(row.prefix(p)) + [1]
                for i in 0..<size {
                    for j in 0..<size { a[i][j] += x[i] * x[j] }
                    a[i][size] += x[i] * y
                }
            }
            for i in 0..<p { a[i][i] += alpha }
            for column in 0..<size {
                let pivot = (column..<size).max { abs(a[$0][column]) < abs(a[$1][column]) }!
                a.swapAt(column, pivot)
                for r in 0..<size where r != column {
                    let factor = a[r][column] / a[column][column]
                    for c in column...size { a[r][c] -= factor * a[column][c] }
                }
            }
            let solution = (0..<size).map { a[$0][size] / a[$0][$0] }
            for j in 0..<p { #expect(Self.close(fit.coefficients[j], solution[j], 1e-9), "w\(j) for p = \(p)") }
            #expect(Self.close(fit.intercept, solution[p], 1e-9))
            let alone = try RidgeRegression.fit(features: data.rows.flatMap { Array($0.prefix(p)) }, rows: 120, columns: p,
                                                targets: data.targets, alpha: alpha)[0]
            for j in 0..<p { #expect(Self.close(alone.coefficients[j], fit.coefficients[j], 1e-10)) }
        }
    }

    @Test func rSquaredDefinitionAndConstantTargets() {
        #expect(Self.close(Regression.rSquared(predicted: [1, 2, 4], actual: [1, 2, 3]), 1 - 1.0 / 2, 1e-15))
        #expect(Regression.rSquared(predicted: [2, 2], actual: [2, 2]) == 1)
        #expect(Regression.rSquared(predicted: [1, 2], actual: [2, 2]) == 0)
    }

    // MARK: - L2 logistic regression

    /// scikit-learn's objective gradient, computed here: w + C·Σ sᵢ(pᵢ − yᵢ)xᵢ and C·Σ sᵢ(pᵢ − yᵢ).
    static func gradient(_ fit: L2LogisticFit, rows: [[Double]], labels: [Bool], balanced: Bool) -> [Double] {
        let n = Double(labels.count), positives = Double(labels.filter { $0 }.count)
        var gradient = [0.0] + fit.coefficients
        for (row, label) in zip(rows, labels) {
            let weight = balanced ? n / (2 * (label ? positives : n - positives)) : 1
            let eta = zip(row, fit.coefficients).reduce(fit.intercept) { $0 + $1.0 * $1.1 }
            let residual = weight * (1 / (1 + exp(-eta)) - (label ? 1 : 0))
            gradient[0] += fit.c * residual
            for j in row.indices { gradient[j + 1] += fit.c * residual * row[j] }
        }
        return gradient
    }

    @Test(arguments: [false, true]) func logisticMatchesScikitLearn(balanced: Bool) throws {
        let fit = try L2LogisticRegression.fit(features: Self.table.flatMap { $0 }, rows: 8, columns: 3, outcomes: Self.labels,
                                               c: 0.7, classWeight: balanced ? .balanced : .none)
        let coefficients = balanced ? [-0.032349862617242826, -0.03718224589118583, 0.29526249568539864]
                                    : [-0.02332805543189918, -0.04894368118513095, 0.2815875855138208]
        let intercept = balanced ? -0.030136144046517595 : 0.45554392986250297
        #expect(fit.converged)
        // scikit-learn's lbfgs stops on its own tolerance; 1e-7 covers it at tol=1e-12.
        for (value, reference) in zip(fit.coefficients, coefficients) { #expect(Self.close(value, reference, 1e-7), "\(value) vs \(reference)") }
        #expect(Self.close(fit.intercept, intercept, 1e-7))
        let g = Self.gradient(fit, rows: Self.table, labels: Self.labels, balanced: balanced)
        #expect(g.allSatisfy { abs($0) < 1e-10 }, "gradient \(g)")
    }

    /// On a larger, nearly separable table with weak regularisation the optimum still has a zero gradient, a warm
    /// start reaches the same optimum, and predictions follow the sign of the decision function.
    @Test func logisticOptimalityOnALargerTable() throws {
        let data = Self.randomTable(rows: 400, columns: 12, seed: 5)
        // Make the first feature informative.
        let rows = zip(data.rows, data.labels).map { row, label in [row[0] + (label ? 1.5 : 0)] + row.dropFirst() }
        let flat = rows.flatMap { $0 }
        let fit = try L2LogisticRegression.fit(features: flat, rows: 400, columns: 12, outcomes: data.labels, c: 10,
                                               classWeight: .balanced)
        #expect(fit.converged)
        let g = Self.gradient(fit, rows: rows, labels: data.labels, balanced: true)
        #expect(g.allSatisfy { abs($0) < 1e-8 }, "max |gradient| \(g.map(abs).max()!)")
        #expect(fit.gradientMaximum < 1e-8)
        let warm = try L2LogisticRegression.fit(features: flat, rows: 400, columns: 12, outcomes: data.labels, c: 10,
                                                classWeight: .balanced, start: (Array(fit.coefficients.prefix(5)), fit.intercept))
        for (a, b) in zip(warm.coefficients, fit.coefficients) { #expect(Self.close(a, b, 1e-8)) }
        #expect(fit.predict(rows[0]) == (zip(rows[0], fit.coefficients).reduce(fit.intercept) { $0 + $1.0 * $1.1 } > 0))
    }

    @Test func logisticRefusesOneClassAndBadC() {
        #expect(throws: StatisticsError.self) {
            try L2LogisticRegression.fit(features: [1, 2, 3], rows: 3, columns: 1, outcomes: [true, true, true], c: 1)
        }
        #expect(throws: StatisticsError.self) {
            try L2LogisticRegression.fit(features: [1, 2, 3], rows: 3, columns: 1, outcomes: [true, false, true], c: 0)
        }
    }
}
