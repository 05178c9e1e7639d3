import Foundation
import Statistics
import Testing

@Suite struct L1LogisticRegressionTests {
    /// Bias only: for b > 0 the optimum solves 1 + C·(n₀·σ(b) − n₁·(1 − σ(b))) = 0, i.e. σ(b) = (n₁ − 1/C) / n.
    /// A feature that is symmetric within each class has zero gradient at 0 and stays exactly 0.
    @Test func biasOnlyAndAFeatureTheL1PenaltyRemoves() throws {
        var features = [[Double]](), outcomes = [Bool]()
        for i in 0..<40 {
            features.append([i % 2 == 0 ? 1 : -1])
            outcomes.append(i < 30)
        }
        for c in [1.0, 0.5, 4.0] {
            let fit = try L1LogisticRegression.fit(features: features, outcomes: outcomes, names: ["noise"], c: c)
            let share = (30 - 1 / c) / 40
            #expect(fit.converged)
            #expect(fit.coefficients == [0])
            #expect(abs(fit.intercept - log(share / (1 - share))) < 1e-10, "C = \(c)")
        }
        // Below C = 1/(n₁ − n₀) = 0.05 even the bias is zero.
        let empty = try L1LogisticRegression.fit(features: features, outcomes: outcomes, names: ["noise"], c: 0.04)
        #expect(empty.intercept == 0 && empty.coefficients == [0])
        // intercept_scaling s: the bias weight is b/s, the penalty |b|/s.
        let scaled = try L1LogisticRegression.fit(
            features: features, outcomes: outcomes, names: ["noise"], c: 1, interceptScaling: 10)
        #expect(abs(scaled.intercept - log((30 - 0.1) / (10 + 0.1))) < 1e-10)
    }

    /// With a huge C the penalty is negligible: the maximum-likelihood coefficients come back.
    @Test func largeCApproachesMaximumLikelihood() throws {
        let (names, z, outcomes) = try ReferenceData.design(for: "a_claimed_logit")
        let l1 = try L1LogisticRegression.fit(features: z, outcomes: outcomes, names: names, c: 1e8, tolerance: 1e-1)
        let mle = try LogisticRegression.fit(features: z, outcomes: outcomes, names: names)
        #expect(abs(l1.intercept - mle.intercept) < 1e-6)
        for j in names.indices { #expect(abs(l1.coefficients[j] - mle.coefficients[j]) < 1e-6) }
    }

    @Test func refusesBadParametersAndRoundTrips() throws {
        #expect(throws: StatisticsError.self) {
            try L1LogisticRegression.fit(features: [[1]], outcomes: [true], names: ["a"], c: 0)
        }
        let fit = try L1LogisticRegression.fit(
            features: LogisticRegressionTests.table.features, outcomes: LogisticRegressionTests.table.outcomes, names: ["x"])
        #expect(try JSONDecoder().decode(L1LogisticFit.self, from: JSONEncoder().encode(fit)) == fit)
    }
}

@Suite struct HelperTests {
    @Test func zScoresUseThePopulationStandardDeviation() throws {
        let rows: [[Double]] = [[1, 10], [2, 10], [3, 40], [4, 20]]
        let standardization = try Standardization(fitting: rows, names: ["a", "b"])
        #expect(standardization.means == [2.5, 20])
        #expect(abs(standardization.standardDeviations[0] - 1.25.squareRoot()) < 1e-15)
        #expect(abs(standardization.standardDeviations[1] - 150.0.squareRoot()) < 1e-14)
        let z = try standardization.transform(rows)
        for j in 0..<2 {
            let column = z.map { $0[j] }
            #expect(abs(column.reduce(0, +)) < 1e-14)
            #expect(abs(column.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-14)
        }
        #expect(throws: StatisticsError.constantColumn("k")) {
            try Standardization(fitting: [[1, 5], [2, 5]], names: ["a", "k"])
        }
    }

    @Test func pearsonCorrelation() throws {
        let rows: [[Double]] = [[1, 2, 5, 7], [2, 4, 4, 7], [3, 5, 3, 7], [4, 4, 2, 7], [5, 5, 1, 7]]
        let matrix = try CorrelationMatrix(rows: rows, names: ["x", "y", "down", "constant"])
        #expect(abs(matrix.correlation("x", "y")! - 6 / 60.0.squareRoot()) < 1e-15)
        #expect(matrix.correlation("y", "x") == matrix.correlation("x", "y"))
        #expect(matrix.correlation("x", "down") == -1)
        #expect(matrix.correlation("x", "x") == 1)
        #expect(matrix.correlation("x", "constant")!.isNaN)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(matrix)) as! [String: Any]
        #expect((object["values"] as! [[Any]])[0][3] is NSNull)
    }

    @Test func referenceCorrelationsAreSymmetricAndBounded() throws {
        let (names, z, _) = try ReferenceData.design(for: "b_notebook11_logit")
        let matrix = try CorrelationMatrix(rows: z, names: names)
        for a in names.indices {
            for b in names.indices {
                #expect(matrix.values[a][b] == matrix.values[b][a] && abs(matrix.values[a][b]) <= 1)
            }
        }
        // Same step count and Euclidean distance between the same two points are strongly related.
        #expect(matrix.correlation("steps_between_cheese_decision_square", "euc_dist_cheese_decision_square")! > 0.5)
    }

    @Test func seededSplitsAreDeterministicPartitions() throws {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)  // SplitMix64's published first output for seed 0
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        let split = try SeededSplit(rowCount: 516, seed: 7)
        #expect(split.testIndices.count == 104 && split.trainIndices.count == 412)  // ⌈0.2 · 516⌉ = 104
        #expect(Set(split.testIndices).isDisjoint(with: split.trainIndices))
        #expect((split.testIndices + split.trainIndices).sorted() == Array(0..<516))
        #expect(try SeededSplit(rowCount: 516, seed: 7) == split)
        #expect(try SeededSplit(rowCount: 516, seed: 8).testIndices != split.testIndices)
        let splits = try SeededSplit.splits(rowCount: 10, count: 3, firstSeed: 5)
        #expect(splits.map(\.seed) == [5, 6, 7] && splits.allSatisfy { $0.testIndices.count == 2 })
        #expect(throws: StatisticsError.self) { try SeededSplit(rowCount: 1, seed: 0) }
        #expect(throws: StatisticsError.self) { try SeededSplit(rowCount: 10, testFraction: 1, seed: 0) }
        // Every row lands in the test set about 20 % of the time.
        var counts = [Int](repeating: 0, count: 10)
        for seed in 0..<2000 { for i in try SeededSplit(rowCount: 10, seed: UInt64(seed)).testIndices { counts[i] += 1 } }
        #expect(counts.allSatisfy { abs($0 - 400) < 80 })
    }

    @Test func accuracyAndMajorityBaseline() throws {
        #expect(Classification.accuracy(predicted: [true, false, true, true], actual: [true, true, true, false]) == 0.5)
        #expect(Classification.majorityClass([true, true, false]))
        #expect(!Classification.majorityClass([true, false]))  // tie: the smaller label, as scikit-learn
        #expect(Classification.majorityBaselineAccuracy(training: [false, false, true], test: [true, false, false, false]) == 0.75)
        // The reference rows: 120 of 516 reached the cheese, so always guessing "not reached" scores 396/516.
        let outcomes = try ReferenceData.filteredSeeds.map { ReferenceData.number($0, "reached_cheese") == 1 }
        #expect(Classification.majorityBaselineAccuracy(training: outcomes, test: outcomes) == 396.0 / 516)
    }
}
