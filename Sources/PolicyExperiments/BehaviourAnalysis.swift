import Dispatch
import Foundation
import MazeSimulation
import Statistics

/// What `mazerender stats` concludes from `seeds.csv`, after procgen-tools' `behavioral_stats` notebook: over the
/// levels with a decision square and the cheese outside the top-right 5x5 (the notebook's filter), features
/// z-scored with the population standard deviation,
/// 1. the maximum-likelihood logistic regression of `reached_cheese` on the chosen features (statsmodels' Logit);
/// 2. the notebook's L1-regularised regression over its 11 attributes (liblinear's objective, C = 1), with test
///    accuracy averaged over seeded 80/20 splits, and its drop-one-attribute test: an attribute matters when
///    leaving it out lowers the test accuracy on the same splits by more than its 95% interval allows (the
///    interval of the accuracy change lies wholly below 0). Accuracies and changes come with a percentile
///    bootstrap over levels (`Bootstrap.ratio`: each level's correct test predictions over its test
///    appearances, pooled across the splits; for a change, paired: the same level's predictions with and
///    without the attribute). It resamples levels, not training sets, so it is an optimistic interval;
/// 3. the trivial baseline (always the majority outcome of the training split), averaged over the same splits;
/// 4. the Pearson correlation matrix of the 16 metrics over the same rows.
public struct BehaviourAnalysis: Encodable, Sendable {
    /// The four attributes the posts found predictive.
    public static let claimedFeatures = ["steps_between_cheese_decision_square", "euc_dist_cheese_decision_square",
                                         "euc_dist_cheese_top_right", "euc_dist_decision_square_5x5"]
    /// The notebook's 11 attributes.
    public static let notebookFeatures = [
        "steps_between_cheese_5x5", "euc_dist_cheese_5x5", "steps_between_decision_square_5x5",
        "euc_dist_decision_square_5x5", "steps_between_cheese_top_right", "euc_dist_cheese_top_right",
        "steps_between_decision_square_top_right", "euc_dist_decision_square_top_right",
        "steps_between_cheese_decision_square", "euc_dist_cheese_decision_square", "cheese_coord_norm",
    ]
    public static let filter = "decision square exists and cheese_in_top_right_5x5 == 0 (behavioral_stats notebook)"

    public struct L1Summary: Encodable, Sendable {
        public var features: [String]
        /// Fitted on all filtered rows.
        public var fit: L1LogisticFit
        public var splits: Int
        public var meanTestAccuracy: Double
        public var meanBaselineAccuracy: Double
        /// The test accuracy pooled over all `splits` (estimate = `meanTestAccuracy`), and the baseline's, with
        /// their level-bootstrap intervals.
        public var testAccuracyInterval: ConfidenceInterval
        public var baselineAccuracyInterval: ConfidenceInterval
        /// The first `dropOneSplits` of the splits, which every drop-one refit uses, and the full model's test
        /// accuracy on them (what each drop is measured against).
        public var dropOneSplits: Int
        public var referenceAccuracy: ConfidenceInterval
        public var dropOne: [DropOne]

        enum CodingKeys: String, CodingKey {
            case features, fit, splits, meanTestAccuracy = "mean_test_accuracy"
            case meanBaselineAccuracy = "mean_baseline_accuracy", dropOne = "drop_one"
            case testAccuracyInterval = "test_accuracy_interval", baselineAccuracyInterval = "baseline_accuracy_interval"
            case dropOneSplits = "drop_one_splits", referenceAccuracy = "reference_accuracy"
        }
    }

    public struct DropOne: Encodable, Sendable {
        public var dropped: String
        public var meanTestAccuracy: Double
        /// (accuracy without it) / (accuracy with all, on the same splits) - 1.
        public var relativeChange: Double
        /// (accuracy without it) − (reference accuracy), with its paired level-bootstrap 95% interval.
        public var change: ConfidenceInterval
        /// The whole interval of `change` lies below 0: leaving the attribute out lowers the accuracy by more than
        /// the interval allows.
        public var matters: Bool

        enum CodingKeys: String, CodingKey {
            case dropped, meanTestAccuracy = "mean_test_accuracy", relativeChange = "relative_change", matters
            case change = "accuracy_change"
        }
    }

    public var filterDescription = Self.filter
    public var rows: Int
    public var reached: Int
    public var claimed: LogisticFit
    /// The z-scoring the maximum-likelihood fit used (means and population SDs over the `rows` filtered levels):
    /// a curve of the fit over a raw feature must standardise with these.
    public var claimedStandardization: Standardization
    /// `reached` of `rows`, with its Wilson interval.
    public var reachedRate: ConfidenceInterval
    public var notebook: L1Summary
    public var correlation: CorrelationMatrix

    enum CodingKeys: String, CodingKey {
        case filterDescription = "filter", rows, reached, claimed = "logit", notebook = "l1", correlation
        case claimedStandardization = "logit_standardization", reachedRate = "reached_rate"
    }

    /// - Parameters:
    ///   - table: `seeds.csv` (its columns by name).
    ///   - features: the MLE's features (default the four claimed ones).
    ///   - splits: seeded 80/20 splits to average test accuracy over (the notebook used 50).
    ///   - dropOneSplits: how many of those splits each drop-one refit averages (the notebook used 5); compared
    ///     with the full model's accuracy on the same splits.
    /// - Throws: `StatisticsError` (too few rows, a constant column) or `AnalysisError` naming a missing column.
    public init(table columns: [String], rows cells: [[String]], features: [String] = claimedFeatures,
                splits: Int = 50, dropOneSplits: Int = 10) throws {
        func index(_ name: String) throws -> Int {
            guard let i = columns.firstIndex(of: name) else { throw AnalysisError.missingColumn(name) }
            return i
        }
        let outcome = try index("reached_cheese")
        let filtered = try Self.fittedRowIndices(table: columns, rows: cells).map { cells[$0] }
        guard filtered.count >= 10 else { throw AnalysisError.tooFewRows(filtered.count) }
        let outcomes = filtered.map { $0[outcome] == "1" }
        func matrix(_ names: [String]) throws -> [[Double]] {
            let indices = try names.map(index)
            return try filtered.map { row in
                try indices.map { i in
                    guard let value = Double(row[i]) else { throw AnalysisError.notANumber(column: columns[i], cell: row[i]) }
                    return value
                }
            }
        }
        func zScored(_ names: [String]) throws -> [[Double]] {
            let raw = try matrix(names)
            return try Standardization(fitting: raw, names: names).transform(raw)
        }
        rows = filtered.count
        reached = outcomes.filter { $0 }.count
        reachedRate = ConfidenceInterval.wilson(successes: reached, trials: rows)
        let claimedRaw = try matrix(features)
        claimedStandardization = try Standardization(fitting: claimedRaw, names: features)
        claimed = try LogisticRegression.fit(features: try claimedStandardization.transform(claimedRaw), outcomes: outcomes,
                                             names: features)

        let notebookRows = try zScored(Self.notebookFeatures)
        let partitions = try SeededSplit.splits(rowCount: filtered.count, count: splits)
        /// Per split, whether each test prediction was right (in `testIndices` order).
        @Sendable func correctness(_ keep: [Int], splits: ArraySlice<SeededSplit>) throws -> [[Bool]] {
            try splits.map { split in
                let train = split.trainIndices.map { i in keep.map { notebookRows[i][$0] } }
                let fit = try L1LogisticRegression.fit(features: train, outcomes: split.trainIndices.map { outcomes[$0] },
                                                       names: keep.map { Self.notebookFeatures[$0] })
                return split.testIndices.map { i in fit.predict(keep.map { notebookRows[i][$0] }) == outcomes[i] }
            }
        }
        let rowCount = filtered.count
        /// Per level: correct test predictions and test appearances over `splits` (optionally minus another
        /// model's correct predictions, for a paired change).
        func perLevel(_ correct: [[Bool]], minus other: [[Bool]]? = nil, splits: ArraySlice<SeededSplit>)
            -> (numerators: [Double], denominators: [Double]) {
            var numerators = [Double](repeating: 0, count: rowCount), denominators = numerators
            for (k, split) in splits.enumerated() {
                for (j, i) in split.testIndices.enumerated() {
                    let subtracted: Double = other.map { $0[k][j] ? 1 : 0 } ?? 0
                    numerators[i] += (correct[k][j] ? 1 : 0) - subtracted
                    denominators[i] += 1
                }
            }
            return (numerators, denominators)
        }
        func meanAccuracy(_ correct: [[Bool]]) -> Double {
            correct.map { Double($0.filter { $0 }.count) / Double($0.count) }.reduce(0, +) / Double(correct.count)
        }
        func interval(_ pooled: (numerators: [Double], denominators: [Double])) -> ConfidenceInterval {
            Bootstrap.ratio(numerators: pooled.numerators, denominators: pooled.denominators)!
        }
        let all = Array(Self.notebookFeatures.indices)
        let fullCorrect = try correctness(all, splits: partitions[...])
        let accuracy = meanAccuracy(fullCorrect)
        let baselineCorrect = partitions.map { split in
            let guess = Classification.majorityClass(split.trainIndices.map { outcomes[$0] })
            return split.testIndices.map { outcomes[$0] == guess }
        }
        let baseline = meanAccuracy(baselineCorrect)
        // Each attribute's refits are independent: run them on all cores. The notebook averaged 5 splits per
        // dropped attribute; we average the first `dropOneSplits` of the same splits, and compare with the full
        // model's accuracy on those splits (its predictions are the first `dropOneSplits` of `fullCorrect`).
        let dropSplits = partitions.prefix(dropOneSplits)
        let referenceCorrect = Array(fullCorrect.prefix(dropSplits.count))
        let reference = meanAccuracy(referenceCorrect)
        let results = UnsafeResults<Result<[[Bool]], any Error>>(count: all.count)
        DispatchQueue.concurrentPerform(iterations: all.count) { dropped in
            results.set(dropped, Result { try correctness(all.filter { $0 != dropped }, splits: dropSplits) })
        }
        let dropOne = try all.map { dropped -> DropOne in
            let correct = try results.values[dropped]!.get()
            let without = meanAccuracy(correct)
            var change = interval(perLevel(correct, minus: referenceCorrect, splits: dropSplits))
            change.method = "paired bootstrap-percentile over levels"
            return DropOne(dropped: Self.notebookFeatures[dropped], meanTestAccuracy: without,
                           relativeChange: without / reference - 1, change: change, matters: change.upper < 0)
        }
        notebook = L1Summary(
            features: Self.notebookFeatures,
            fit: try L1LogisticRegression.fit(features: notebookRows, outcomes: outcomes, names: Self.notebookFeatures),
            splits: splits, meanTestAccuracy: accuracy, meanBaselineAccuracy: baseline,
            testAccuracyInterval: interval(perLevel(fullCorrect, splits: partitions[...])),
            baselineAccuracyInterval: interval(perLevel(baselineCorrect, splits: partitions[...])),
            dropOneSplits: dropSplits.count, referenceAccuracy: interval(perLevel(referenceCorrect, splits: dropSplits)),
            dropOne: dropOne)
        correlation = try CorrelationMatrix(rows: try matrix(MazeMetrics.names), names: MazeMetrics.names)
    }
}

extension BehaviourAnalysis {
    /// The rows (indices into `rows`) the regressions fit: a decision square, and the cheese outside the top-right
    /// 5x5 (`filter`). - Throws: `AnalysisError.missingColumn`.
    public static func fittedRowIndices(table columns: [String], rows: [[String]]) throws -> [Int] {
        guard let square = columns.firstIndex(of: "decision_square_x") else {
            throw AnalysisError.missingColumn("decision_square_x")
        }
        guard let inRegion = columns.firstIndex(of: "cheese_in_top_right_5x5") else {
            throw AnalysisError.missingColumn("cheese_in_top_right_5x5")
        }
        return rows.indices.filter { !rows[$0][square].isEmpty && rows[$0][inRegion] == "0" }
    }
}

public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    case missingColumn(String)
    case notANumber(column: String, cell: String)
    case tooFewRows(Int)

    public var description: String {
        switch self {
        case let .missingColumn(name): return "seeds.csv has no column '\(name)'"
        case let .notANumber(column, cell): return "seeds.csv column '\(column)': '\(cell)' is not a number"
        case let .tooFewRows(count):
            return "only \(count) levels have a decision square and the cheese outside the top-right 5x5; "
                + "the regressions need at least 10: run more seeds"
        }
    }
}

/// Slots written by concurrent workers, each slot by one worker only.
final class UnsafeResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
