import CairoGraphics

/// A chart input that cannot be drawn; the message names the argument and what to change.
public struct ChartError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// How values are split into histogram bins.
public enum HistogramBinning: Sendable, Equatable {
    /// `count` equal-width bins from the smallest to the largest finite value (numpy's `bins=count`).
    case count(Int)
    /// Explicit edges, strictly increasing, at least two (numpy's `bins=edges`).
    case edges([Double])
}

/// Counts of values per bin, as `numpy.histogram` computes them: bin `i` holds `edges[i] <= v < edges[i+1]`,
/// the last bin also `v == edges.last`; values outside the edges and non-finite values are not counted.
public struct HistogramBins: Equatable, Sendable {
    /// `counts.count + 1` increasing edges.
    public var edges: [Double]
    public var counts: [Int]

    /// Throws `ChartError` for a bin count below 1 or edges that are not finite and strictly increasing.
    /// Cost: O(n log bins).
    public init(values: [Double], binning: HistogramBinning) throws(ChartError) {
        let finite = values.filter(\.isFinite)
        switch binning {
        case .count(let count):
            guard count >= 1 else { throw ChartError("histogram bins: the bin count must be at least 1, got \(count)") }
            var low = finite.min() ?? 0, high = finite.max() ?? 1
            if low == high { low -= 0.5; high += 0.5 }   // numpy's widening of an empty range
            let width = (high - low) / Double(count)
            edges = (0...count).map { $0 == count ? high : low + Double($0) * width }
        case .edges(let given):
            guard given.count >= 2 else { throw ChartError("histogram bins: give at least 2 edges, got \(given.count)") }
            guard given.allSatisfy(\.isFinite), zip(given, given.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ChartError("histogram bins: edges must be finite and strictly increasing, got \(given)")
            }
            edges = given
        }
        counts = [Int](repeating: 0, count: edges.count - 1)
        for value in finite {
            if let bin = HistogramBins.bin(of: value, edges: edges) { counts[bin] += 1 }
        }
    }

    /// The bin holding `value` (binary search over `edges`), nil outside.
    static func bin(of value: Double, edges: [Double]) -> Int? {
        guard let first = edges.first, let last = edges.last, value >= first, value <= last else { return nil }
        if value == last { return edges.count - 2 }
        var low = 0, high = edges.count - 1   // edges[low] <= value < edges[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle } else { high = middle }
        }
        return low
    }
}

/// A histogram: one filled bar per non-empty bin, height = number of values, y axis from 0.
///
/// ```swift
/// let chart = try Histogram(values: steps, binning: .count(30), title: "Steps to cheese",
///                           xLabel: "steps", yLabel: "seeds")
/// try chart.write(to: "results/steps.png")
/// ```
public struct Histogram: Chart, Sendable {
    public var bins: HistogramBins
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Legend text for the bars; nil draws no legend.
    public var label: String?
    /// Bar colour; nil takes the style's first palette colour.
    public var color: Color?
    /// Thin outline around each bar (nil for none, as matplotlib's default).
    public var edgeColor: Color? = .white

    /// Bins `values` (see `HistogramBins`); throws `ChartError` for bad bins.
    public init(values: [Double], binning: HistogramBinning, title: String? = nil, xLabel: String? = nil,
                yLabel: String? = "count", label: String? = nil, color: Color? = nil) throws(ChartError) {
        self.init(bins: try HistogramBins(values: values, binning: binning), title: title, xLabel: xLabel,
                  yLabel: yLabel, label: label, color: color)
    }

    /// A histogram of counts already binned.
    public init(bins: HistogramBins, title: String? = nil, xLabel: String? = nil, yLabel: String? = "count",
                label: String? = nil, color: Color? = nil) {
        self.bins = bins
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.label = label
        self.color = color
    }

    public func draw(on canvas: Canvas, in rect: Rect, style: ChartStyle) {
        let highest = Double(bins.counts.max() ?? 0)
        let axes = Axes(title: title,
                        x: Axis(label: xLabel, range: Axis.paddedRange([bins.edges.first ?? 0, bins.edges.last ?? 1])),
                        y: Axis(label: yLabel, range: Axis.paddedRange([0, Swift.max(highest, 1)], sticky: [0]),
                                integerTicks: true))
        let frame = axes.layout(on: canvas, in: rect, style: style)
        frame.drawGrid(on: canvas, style: style)
        let fill = color ?? style.color(0)
        var tops: [Point] = []
        frame.clipped(on: canvas) {
            for (bin, count) in bins.counts.enumerated() where count > 0 {
                let left = frame.canvasX(bins.edges[bin]), right = frame.canvasX(bins.edges[bin + 1])
                let top = frame.canvasY(Double(count)), bottom = frame.canvasY(0)
                canvas.newPath()
                canvas.addRectangle(Rect(x: left, y: top, width: right - left, height: bottom - top))
                canvas.setColor(fill)
                if let edgeColor {
                    canvas.fill(preserve: true)
                    canvas.stroke(edgeColor, lineWidth: style.lineWidth * 0.6)
                } else {
                    canvas.fill()
                }
                // Points the legend should not hide: along the bar's top edge and its inside.
                for step in 0...4 {
                    let x = left + (right - left) * Double(step) / 4
                    tops.append(Point(x: x, y: top))
                    tops.append(Point(x: x, y: (top + bottom) / 2))
                }
            }
        }
        frame.drawDecorations(on: canvas, style: style)
        if let label {
            frame.drawLegend([LegendEntry(label: label, color: fill, key: .patch)], avoiding: tops, on: canvas, style: style)
        }
    }
}
