import CairoGraphics

/// The `q`-quantile (0...1) of `sorted` (ascending, non-empty) by numpy's default method (`"linear"`,
/// Hyndman & Fan type 7): with `h = (n - 1) q`, the value `x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋])`,
/// evaluated as numpy does (from the upper neighbour when the fraction is at least 0.5), so results agree
/// with `numpy.quantile` to the last bit.
public func linearQuantile(sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty, "linearQuantile needs at least one value")
    let position = Double(sorted.count - 1) * Swift.min(Swift.max(q, 0), 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    let a = sorted[lower], b = sorted[upper]
    let difference = b - a
    return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction
}

/// The five numbers and outliers of a box plot, as matplotlib's `boxplot` (`cbook.boxplot_stats`,
/// `whis=1.5`) computes them: quartiles by `linearQuantile` (numpy's default), whiskers at the most
/// extreme values within 1.5 IQR of the box, outliers beyond the whiskers.
public struct BoxStatistics: Equatable, Sendable {
    /// Number of finite values used.
    public var count: Int
    public var mean: Double
    public var median: Double
    /// 25th percentile (Q1).
    public var firstQuartile: Double
    /// 75th percentile (Q3).
    public var thirdQuartile: Double
    /// Smallest value >= Q1 - 1.5 IQR (Q1 when there is none).
    public var lowerWhisker: Double
    /// Largest value <= Q3 + 1.5 IQR (Q3 when there is none).
    public var upperWhisker: Double
    /// Values below the lower or above the upper whisker, ascending.
    public var outliers: [Double]

    /// Statistics of the finite `values`; nil when there are none. `whiskerReach` is matplotlib's `whis`.
    /// Cost: a sort, O(n log n).
    public init?(values: [Double], whiskerReach: Double = 1.5) {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        count = sorted.count
        mean = sorted.reduce(0, +) / Double(sorted.count)
        firstQuartile = linearQuantile(sorted: sorted, 0.25)
        median = linearQuantile(sorted: sorted, 0.5)
        thirdQuartile = linearQuantile(sorted: sorted, 0.75)
        let reach = whiskerReach * (thirdQuartile - firstQuartile)
        let lowFence = firstQuartile - reach, highFence = thirdQuartile + reach
        let q1 = firstQuartile, q3 = thirdQuartile
        lowerWhisker = sorted.first { $0 >= lowFence }.map { Swift.min($0, q1) } ?? q1
        upperWhisker = sorted.last { $0 <= highFence }.map { Swift.max($0, q3) } ?? q3
        let low = lowerWhisker, high = upperWhisker
        outliers = sorted.filter { $0 < low || $0 > high }
    }
}

/// Box plots of several labelled groups side by side (matplotlib's look: black boxes, an orange median
/// line, whiskers with caps, outliers as open circles).
///
/// ```swift
/// let chart = BoxPlot(groups: [("unpatched", p0), ("−1", p1)], title: "P(cheese) at the decision square",
///                     xLabel: "coefficient", yLabel: "P(cheese)")
/// ```
public struct BoxPlot: Chart, Sendable {
    public struct Group: Sendable {
        public var label: String
        /// nil when the group has no finite values: its slot stays empty.
        public var statistics: BoxStatistics?
        public init(label: String, statistics: BoxStatistics?) {
            self.label = label
            self.statistics = statistics
        }
    }

    public var groups: [Group]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Fixed y range; nil fits whiskers and outliers with 5% margins.
    public var yRange: ClosedRange<Double>?
    /// Box fill; nil leaves boxes open as matplotlib does.
    public var boxFill: Color?
    public var medianColor = Color(hex: 0xFF7F0E)
    /// Box width as a fraction of the distance between groups (matplotlib: 0.5).
    public var boxWidth = 0.5

    /// Groups of raw values, statistics computed by `BoxStatistics` (non-finite values dropped).
    public init(groups: [(label: String, values: [Double])], title: String? = nil, xLabel: String? = nil,
                yLabel: String? = nil, yRange: ClosedRange<Double>? = nil) {
        self.init(statistics: groups.map { Group(label: $0.label, statistics: BoxStatistics(values: $0.values)) },
                  title: title, xLabel: xLabel, yLabel: yLabel, yRange: yRange)
    }

    /// Groups with statistics computed elsewhere.
    public init(statistics groups: [Group], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                yRange: ClosedRange<Double>? = nil) {
        self.groups = groups
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }

    public func draw(on canvas: Canvas, in rect: Rect, style: ChartStyle) {
        let extremes = groups.compactMap(\.statistics).flatMap { [$0.lowerWhisker, $0.upperWhisker] + $0.outliers }
        let axes = Axes(title: title,
                        x: Axis(label: xLabel, range: -0.5...(Double(Swift.max(groups.count, 1)) - 0.5),
                                ticks: Axis.categoryTicks(groups.map(\.label))),
                        y: Axis(label: yLabel, range: yRange ?? Axis.paddedRange(extremes)))
        let frame = axes.layout(on: canvas, in: rect, style: style)
        frame.drawGrid(on: canvas, style: style)
        let ink = style.foreground
        frame.clipped(on: canvas) {
            for (index, group) in groups.enumerated() {
                guard let stats = group.statistics else { continue }
                let center = Double(index)
                let half = boxWidth / 2
                let box = Rect(x: frame.canvasX(center - half), y: frame.canvasY(stats.thirdQuartile),
                               width: frame.canvasX(center + half) - frame.canvasX(center - half),
                               height: frame.canvasY(stats.firstQuartile) - frame.canvasY(stats.thirdQuartile))
                if let boxFill { canvas.fill(box, boxFill) }
                canvas.newPath()
                canvas.addRectangle(box)
                // Whiskers from the box edges, and caps half the box wide.
                for (end, edge) in [(stats.lowerWhisker, stats.firstQuartile), (stats.upperWhisker, stats.thirdQuartile)] {
                    canvas.move(to: frame.point(x: center, y: edge))
                    canvas.line(to: frame.point(x: center, y: end))
                    canvas.move(to: frame.point(x: center - half / 2, y: end))
                    canvas.line(to: frame.point(x: center + half / 2, y: end))
                }
                canvas.stroke(ink, lineWidth: style.lineWidth)
                canvas.newPath()
                canvas.move(to: frame.point(x: center - half, y: stats.median))
                canvas.line(to: frame.point(x: center + half, y: stats.median))
                canvas.stroke(medianColor, lineWidth: style.lineWidth * 1.3)
                canvas.newPath()
                for outlier in stats.outliers {
                    let point = frame.point(x: center, y: outlier)
                    canvas.move(to: Point(x: point.x + style.fontSize * 0.25, y: point.y))
                    canvas.addArc(center: point, radius: style.fontSize * 0.25, startAngle: 0, endAngle: 2 * Double.pi)
                    canvas.closePath()
                }
                canvas.stroke(ink, lineWidth: style.lineWidth * 0.9)
            }
        }
        frame.drawDecorations(on: canvas, style: style)
    }
}
