import Foundation
import Statistics

/// Aggregates of the retargeting rows per condition: overall mean and median probability, and the mean
/// probability against the path distance from the start (`d_to_coord`) and against the divergence from the
/// top-right path (`topright_path_divergence`).
public struct RetargetingSummary: Sendable, Equatable {
    /// One condition's numbers.
    public struct Condition: Sendable, Equatable {
        public var name: String
        /// Rows (target squares over all levels).
        public var count: Int
        public var mean: Double
        public var median: Double
        /// Share of targets whose path probability exceeds 0.5.
        public var aboveHalf: Double
        /// 95 % intervals (`Statistics`): bootstrap for the mean and the median, Wilson for `aboveHalf`.
        public var meanInterval: ConfidenceInterval
        public var medianInterval: ConfidenceInterval
        public var aboveHalfInterval: ConfidenceInterval
        /// Mean probability per distance bin, bins in increasing order.
        public var byDistance: [Bin]
        /// Mean probability per divergence bin.
        public var byDivergence: [Bin]
    }

    /// Targets whose value lies in `lower...upper` (whole numbers).
    public struct Bin: Sendable, Equatable {
        public var lower: Int
        public var upper: Int
        public var count: Int
        public var mean: Double
        /// The mean's 95 % bootstrap interval (n = `count`).
        public var meanInterval: ConfidenceInterval
        /// The bin's centre, for plotting.
        public var centre: Double { Double(lower + upper) / 2 }
    }

    /// In the order the conditions first appear in the rows.
    public var conditions: [Condition]
    /// Bin width used for the distance and the divergence (whole squares).
    public var distanceBinWidth: Int
    public var divergenceBinWidth: Int

    /// Aggregates `rows`; bins are `binCount` equal whole-number intervals over the values' range (width at
    /// least 1).
    public init(rows: [RetargetingRow], binCount: Int = 25) {
        func width(_ values: [Int]) -> Int {
            guard let low = values.min(), let high = values.max() else { return 1 }
            return max(1, Int((Double(high - low + 1) / Double(max(1, binCount))).rounded(.up)))
        }
        distanceBinWidth = width(rows.map(\.target.distance))
        divergenceBinWidth = width(rows.map(\.target.topRightDivergence))
        var order: [String] = []
        var grouped: [String: [RetargetingRow]] = [:]
        for row in rows {
            if grouped[row.condition] == nil { order.append(row.condition) }
            grouped[row.condition, default: []].append(row)
        }
        let (distanceWidth, divergenceWidth) = (distanceBinWidth, divergenceBinWidth)
        conditions = order.map { name in
            let members = grouped[name]!
            let values = members.map(\.probability).sorted()
            let n = values.count
            let median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
            let intervals = Self.intervals(values)
            let above = values.filter { $0 > 0.5 }.count
            return Condition(
                name: name, count: n, mean: values.reduce(0, +) / Double(n), median: median,
                aboveHalf: Double(above) / Double(n), meanInterval: intervals.mean, medianInterval: intervals.median,
                aboveHalfInterval: ConfidenceInterval.wilson(successes: above, trials: n),
                byDistance: Self.bins(members, width: distanceWidth) { $0.target.distance },
                byDivergence: Self.bins(members, width: divergenceWidth) { $0.target.topRightDivergence })
        }
    }

    /// Bootstrap intervals of the mean and median (NaN ones when no value is finite).
    static func intervals(_ values: [Double]) -> (mean: ConfidenceInterval, median: ConfidenceInterval) {
        let none = ConfidenceInterval(estimate: .nan, lower: .nan, upper: .nan, n: 0, method: "bootstrap-percentile")
        return Bootstrap.meanAndMedian(values) ?? (none, none)
    }

    /// Mean probability per bin `[k·width, (k+1)·width - 1]` of `key`, empty bins left out.
    static func bins(_ rows: [RetargetingRow], width: Int, key: (RetargetingRow) -> Int) -> [Bin] {
        var members: [Int: [Double]] = [:]
        for row in rows { members[key(row) / width, default: []].append(row.probability) }
        return members.keys.sorted().map { k in
            let values = members[k]!
            return Bin(lower: k * width, upper: k * width + width - 1, count: values.count,
                       mean: values.reduce(0, +) / Double(values.count), meanInterval: Self.intervals(values).mean)
        }
    }
}
