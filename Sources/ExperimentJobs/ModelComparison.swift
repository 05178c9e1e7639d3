import CairoGraphics
import Charts
import JobSupport
import Statistics

/// What a run over several checkpoints (`evaluate --models`, `stats --models`) measured of one of them.
public struct ModelResult<Value: Sendable>: Sendable {
    public let model: ModelList.Entry
    public let value: Value

    public init(model: ModelList.Entry, value: Value) {
        self.model = model
        self.value = value
    }
}

/// The comparison plot of a multi-model run: per model (x, in the order resolved, labelled with the file
/// names), each series' estimate as a marker with its 95 % interval as an error bar; series side by side.
public enum ModelComparisonPlot {
    /// One quantity across the models: `intervals[i]` belongs to model i (nil: not measured, no marker).
    public struct Series: Sendable {
        public var label: String
        public var intervals: [ConfidenceInterval?]

        public init(label: String, intervals: [ConfidenceInterval?]) {
            self.label = label
            self.intervals = intervals
        }
    }

    /// How far apart series sit around a model's position (x units; models are 1 apart).
    public static let seriesSpacing = 0.15

    /// The x position of `series` (of `seriesCount`) at model `index`.
    public static func position(model index: Int, series: Int, of seriesCount: Int) -> Double {
        Double(index) + (Double(series) - Double(seriesCount - 1) / 2) * seriesSpacing
    }

    /// Short tick labels for `names`: without the start and end all of them share (never cutting a number),
    /// `model_rand_region_5.pth` → `5`; the shared parts as `model_rand_region_….pth` (nil: names kept whole).
    public static func tickLabels(_ names: [String]) -> (labels: [String], shared: String?) {
        guard names.count >= 2 else { return (names, nil) }
        let characters = names.map(Array.init)
        let shortest = characters.map(\.count).min() ?? 0
        var prefix = 0, suffix = 0
        while prefix < shortest, characters.allSatisfy({ $0[prefix] == characters[0][prefix] }) { prefix += 1 }
        while suffix < shortest - prefix,
              characters.allSatisfy({ $0[$0.count - 1 - suffix] == characters[0][characters[0].count - 1 - suffix] }) {
            suffix += 1
        }
        // Never cut a number: the shared start ends, and the shared end starts, with something else than a digit.
        while prefix > 0, characters[0][prefix - 1].isNumber { prefix -= 1 }
        while suffix > 0, characters[0][characters[0].count - suffix].isNumber { suffix -= 1 }
        let labels = characters.map { String($0[prefix..<($0.count - suffix)]) }
        guard prefix + suffix > 0, !labels.contains("") else { return (names, nil) }
        return (labels, String(characters[0][..<prefix]) + "…" + String(characters[0].suffix(suffix)))
    }

    /// The chart: y from 0 to 1, a point per model and series with an estimate (models with none are skipped);
    /// ticks labelled by `tickLabels(_:)`, the shared part of the names in the x axis's label.
    public static func chart(models: [String], series: [Series], title: String, yLabel: String) -> ScatterPlot {
        let style = ChartStyle()
        let ticks = tickLabels(models)
        var chart = ScatterPlot(title: title, xLabel: (ticks.shared.map { "model: \($0)" } ?? "model") + " (in the order run)",
                                yLabel: yLabel, yRange: 0...1)
        chart.xTicks = Axis.categoryTicks(ticks.labels)
        chart.xRange = -0.5...(Double(max(models.count, 1)) - 0.5)
        for (s, line) in series.enumerated() {
            let points = line.intervals.enumerated().compactMap { index, interval -> (Int, ConfidenceInterval)? in
                guard let interval, interval.estimate.isFinite else { return nil }
                return (index, interval)
            }
            chart.series.append(ScatterPlot.Series(
                label: line.label, x: points.map { position(model: $0.0, series: s, of: series.count) },
                y: points.map { $0.1.estimate }, color: style.color(s), alpha: 1,
                yIntervals: points.map { (low: $0.1.lower, high: $0.1.upper) }))
        }
        return chart
    }

    /// Writes `chart` to `path` (PNG, SVG or PDF by the extension), at least 640x480 px, wider for many models or
    /// long tick labels (about 8 px a character).
    public static func write(_ chart: ScatterPlot, to path: String) throws {
        let labels = chart.xTicks?.labels ?? []
        let slot = max(60, 8 * Double(labels.map(\.count).max() ?? 0) + 20)
        try chart.write(to: path, width: max(640, 160 + slot * Double(labels.count)), height: 480)
    }
}
