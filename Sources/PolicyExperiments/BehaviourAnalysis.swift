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
///    leaving it out lowers the mean test accuracy by more than 0.5% (relative);
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
        public var dropOne: [DropOne]

        enum CodingKeys: String, CodingKey {
            case features, fit, splits, meanTestAccuracy = "mean_test_accuracy"
            case meanBaselineAccuracy = "mean_baseline_accuracy", dropOne = "drop_one"
        }
    }

    public struct DropOne: Encodable, Sendable {
        public var dropped: String
        public var meanTestAccuracy: Double
        /// (accuracy without it) / (accuracy with all, on the same splits) - 1.
        public var relativeChange: Double
        public var matters: Bool

        enum CodingKeys: String, CodingKey {
            case dropped, meanTestAccuracy = "mean_test_accuracy", relativeChange = "relative_change", matters
        }
    }

    public var filterDescription = Self.filter
    public var rows: Int
    public var reached: Int
    public var claimed: LogisticFit
    public var notebook: L1Summary
    public var correlation: CorrelationMatrix

    enum CodingKeys: String, CodingKey {
        case filterDescription = "filter", rows, reached, claimed = "logit", notebook = "l1", correlation
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
        let square = try index("decision_square_x"), inRegion = try index("cheese_in_top_right_5x5")
        let outcome = try index("reached_cheese")
        let filtered = cells.filter { !$0[square].isEmpty && $0[inRegion] == "0" }
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
        claimed = try LogisticRegression.fit(features: try zScored(features), outcomes: outcomes, names: features)

        let notebookRows = try zScored(Self.notebookFeatures)
        let partitions = try SeededSplit.splits(rowCount: filtered.count, count: splits)
        @Sendable func meanAccuracy(_ keep: [Int], splits: ArraySlice<SeededSplit>) throws -> Double {
            var total = 0.0
            for split in splits {
                let train = split.trainIndices.map { i in keep.map { notebookRows[i][$0] } }
                let fit = try L1LogisticRegression.fit(features: train, outcomes: split.trainIndices.map { outcomes[$0] },
                                                       names: keep.map { Self.notebookFeatures[$0] })
                let predicted = split.testIndices.map { i in fit.predict(keep.map { notebookRows[i][$0] }) }
                total += Classification.accuracy(predicted: predicted, actual: split.testIndices.map { outcomes[$0] })
            }
            return total / Double(splits.count)
        }
        let all = Array(Self.notebookFeatures.indices)
        let accuracy = try meanAccuracy(all, splits: partitions[...])
        let baseline = partitions.map { split in
            Classification.majorityBaselineAccuracy(training: split.trainIndices.map { outcomes[$0] },
                                                    test: split.testIndices.map { outcomes[$0] })
        }.reduce(0, +) / Double(partitions.count)
        // Each attribute's refits are independent: run them on all cores. The notebook averaged 5 splits per
        // dropped attribute; we average the first `dropOneSplits` of the same splits.
        let dropSplits = partitions.prefix(dropOneSplits)
        let reference = try meanAccuracy(all, splits: dropSplits)
        let results = UnsafeResults<Result<Double, any Error>>(count: all.count)
        DispatchQueue.concurrentPerform(iterations: all.count) { dropped in
            results.set(dropped, Result { try meanAccuracy(all.filter { $0 != dropped }, splits: dropSplits) })
        }
        let dropOne = try all.map { dropped -> DropOne in
            let without = try results.values[dropped]!.get()
            let change = without / reference - 1
            return DropOne(dropped: Self.notebookFeatures[dropped], meanTestAccuracy: without, relativeChange: change,
                           matters: change < -0.005)
        }
        notebook = L1Summary(
            features: Self.notebookFeatures,
            fit: try L1LogisticRegression.fit(features: notebookRows, outcomes: outcomes, names: Self.notebookFeatures),
            splits: splits, meanTestAccuracy: accuracy, meanBaselineAccuracy: baseline, dropOne: dropOne)
        correlation = try CorrelationMatrix(rows: try matrix(MazeMetrics.names), names: MazeMetrics.names)
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
