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
        return lines.joined(separator: "\n") + "\n"
    }
}
