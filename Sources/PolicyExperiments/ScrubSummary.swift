import Foundation
import Statistics

/// Per-condition results of a scrubbing run: procgen-tools' table (rate of greedy-action change per
/// location × channel set) with the mean and median total-variation change beside it.
public struct ScrubSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var location: ScrubLocation
        public var channelSet: ScrubChannels
        public var trials: Int
        public var actionChanged: Int
        public var meanChange: Double
        public var medianChange: Double
        /// 95 % intervals (`Statistics`): Wilson for the change rate, seeded bootstrap for the mean and median change.
        public var changeRateInterval: ConfidenceInterval
        public var meanChangeInterval: ConfidenceInterval
        public var medianChangeInterval: ConfidenceInterval

        /// `actionChanged / trials` (0 when there are no trials).
        public var changeRate: Double { trials == 0 ? 0 : Double(actionChanged) / Double(trials) }
    }

    /// Rows in the order (same, chosen), (same, random), (different, chosen), (different, random).
    public let rows: [Row]
    /// Per channel set (`ScrubChannels.allCases` order): the share of (seed, sample) pairs whose change with
    /// different-location sources exceeds the change with same-location sources (points above y = x).
    public let differentExceedsSame: [Double]
    /// The same shares with their pair counts and Wilson intervals.
    public let differentExceedsSameIntervals: [ConfidenceInterval]

    public init(_ trials: [ScrubTrial]) {
        var rows: [Row] = []
        for location in ScrubLocation.allCases {
            for set in ScrubChannels.allCases {
                let subset = trials.filter { $0.location == location && $0.channelSet == set }
                let changes = subset.map(\.change)
                let changed = subset.filter(\.actionChanged).count
                let none = ConfidenceInterval(estimate: .nan, lower: .nan, upper: .nan, n: 0, method: "bootstrap-percentile")
                let intervals = Bootstrap.meanAndMedian(changes) ?? (none, none)
                rows.append(Row(location: location, channelSet: set, trials: subset.count, actionChanged: changed,
                                meanChange: changes.isEmpty ? 0 : changes.reduce(0, +) / Double(changes.count),
                                medianChange: Self.median(changes),
                                changeRateInterval: ConfidenceInterval.wilson(successes: changed, trials: subset.count),
                                meanChangeInterval: intervals.mean, medianChangeInterval: intervals.median))
            }
        }
        self.rows = rows
        differentExceedsSameIntervals = ScrubChannels.allCases.map { set in
            var same: [String: Double] = [:], different: [String: Double] = [:]
            for trial in trials where trial.channelSet == set {
                let key = "\(trial.seed)/\(trial.sample)"
                if trial.location == .same { same[key] = trial.change } else { different[key] = trial.change }
            }
            let pairs = same.compactMap { key, value in different[key].map { (value, $0) } }
            return ConfidenceInterval.wilson(successes: pairs.filter { $0.1 > $0.0 }.count, trials: pairs.count)
        }
        differentExceedsSame = differentExceedsSameIntervals.map { $0.n == 0 ? 0 : $0.estimate }
    }

    public func row(_ location: ScrubLocation, _ set: ScrubChannels) -> Row {
        rows.first { $0.location == location && $0.channelSet == set }!
    }

    /// The middle value (mean of the two middle values for an even count); 0 for none.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// A Markdown table, one row per condition.
    public func markdown(channelsName: String) -> String {
        var lines = ["| location | channels | trials (n) | greedy action changed [95 %] | mean change [95 %] | median change [95 %] |",
                     "|---|---|---:|---:|---:|---:|"]
        for row in rows {
            let set = row.channelSet == .chosen ? channelsName : "random (control)"
            lines.append("| \(row.location.rawValue) | \(set) | \(row.trials) | \(row.actionChanged) "
                + "(\(row.changeRateInterval.formatted(1, percent: true))) | \(row.meanChangeInterval.formatted(4)) "
                + "| \(row.medianChangeInterval.formatted(4)) |")
        }
        lines.append("")
        let shares = differentExceedsSameIntervals
        lines.append("Change larger with different-location than with same-location sources: "
            + "\(shares[0].formatted(1, percent: true)) of \(shares[0].n) (seed, sample) pairs for \(channelsName), "
            + "\(shares[1].formatted(1, percent: true)) of \(shares[1].n) for the random control.")
        lines.append("")
        lines.append("Intervals: 95 %; Wilson score for rates, percentile bootstrap (\(Bootstrap.defaultResamples) resamples, "
            + "SplitMix64 seed \(Bootstrap.defaultSeed)) for means and medians.")
        return lines.joined(separator: "\n") + "\n"
    }
}
