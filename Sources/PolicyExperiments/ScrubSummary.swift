import Foundation

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

        /// `actionChanged / trials` (0 when there are no trials).
        public var changeRate: Double { trials == 0 ? 0 : Double(actionChanged) / Double(trials) }
    }

    /// Rows in the order (same, chosen), (same, random), (different, chosen), (different, random).
    public let rows: [Row]
    /// Per channel set (`ScrubChannels.allCases` order): the share of (seed, sample) pairs whose change with
    /// different-location sources exceeds the change with same-location sources (points above y = x).
    public let differentExceedsSame: [Double]

    public init(_ trials: [ScrubTrial]) {
        var rows: [Row] = []
        for location in ScrubLocation.allCases {
            for set in ScrubChannels.allCases {
                let subset = trials.filter { $0.location == location && $0.channelSet == set }
                let changes = subset.map(\.change)
                rows.append(Row(location: location, channelSet: set, trials: subset.count,
                                actionChanged: subset.filter(\.actionChanged).count,
                                meanChange: changes.isEmpty ? 0 : changes.reduce(0, +) / Double(changes.count),
                                medianChange: Self.median(changes)))
            }
        }
        self.rows = rows
        differentExceedsSame = ScrubChannels.allCases.map { set in
            var same: [String: Double] = [:], different: [String: Double] = [:]
            for trial in trials where trial.channelSet == set {
                let key = "\(trial.seed)/\(trial.sample)"
                if trial.location == .same { same[key] = trial.change } else { different[key] = trial.change }
            }
            let pairs = same.compactMap { key, value in different[key].map { (value, $0) } }
            return pairs.isEmpty ? 0 : Double(pairs.filter { $0.1 > $0.0 }.count) / Double(pairs.count)
        }
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
        var lines = ["| location | channels | trials | greedy action changed | mean change | median change |",
                     "|---|---|---:|---:|---:|---:|"]
        for row in rows {
            let set = row.channelSet == .chosen ? channelsName : "random (control)"
            lines.append("| \(row.location.rawValue) | \(set) | \(row.trials) | \(row.actionChanged) "
                + "(\(String(format: "%.1f", 100 * row.changeRate)) %) | \(String(format: "%.4f", row.meanChange)) "
                + "| \(String(format: "%.4f", row.medianChange)) |")
        }
        lines.append("")
        lines.append(String(format: "Change larger with different-location than with same-location sources: %.1f %% of "
            + "(seed, sample) pairs for %@, %.1f %% for the random control.", 100 * differentExceedsSame[0], channelsName,
            100 * differentExceedsSame[1]))
        return lines.joined(separator: "\n") + "\n"
    }
}
