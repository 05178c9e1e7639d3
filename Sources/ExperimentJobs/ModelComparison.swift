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

    /// The chart: y from 0 to 1, a point per model and series with an estimate (models with none are skipped).
    public static func chart(models: [String], series: [Series], title: String, yLabel: String) -> ScatterPlot {
        let style = ChartStyle()
        var chart = ScatterPlot(title: title, xLabel: "model (in the order given)", yLabel: yLabel, yRange: 0...1)
        chart.xTicks = Axis.categoryTicks(models)
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

    /// Writes `chart` to `path` (PNG, SVG or PDF by the extension), wide enough for `models` file names.
    public static func write(_ chart: ScatterPlot, models: Int, to path: String) throws {
        try chart.write(to: path, width: max(640, 160 + 90 * Double(models)), height: 480)
    }
}
