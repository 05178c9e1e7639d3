import CairoGraphics

/// A scatter plot of one or more point series, with optional fitted curves drawn over them.
///
/// ```swift
/// var chart = ScatterPlot(title: "P(cheese) vs distance", xLabel: "distance", yLabel: "P(cheese)")
/// chart.series.append(.init(label: "seeds", x: distances, y: probabilities))
/// chart.curves.append(.init(label: "logistic fit", function: { 1 / (1 + exp(-(a + b * $0))) }))
/// try chart.write(to: "results/scatter.svg")
/// ```
public struct ScatterPlot: Chart, Sendable {
    /// Points (`x[i]`, `y[i]`); pairs with a non-finite coordinate are skipped.
    public struct Series: Sendable {
        public var label: String?
        public var x: [Double]
        public var y: [Double]
        /// nil takes the next palette colour.
        public var color: Color?
        /// Marker opacity (many overlapping points read better below 1).
        public var alpha: Double
        /// Optional vertical error bars, one (low, high) per point (e.g. a 95 % interval), drawn with small caps.
        public var yIntervals: [(low: Double, high: Double)]?
        public init(label: String? = nil, x: [Double], y: [Double], color: Color? = nil, alpha: Double = 0.7,
                    yIntervals: [(low: Double, high: Double)]? = nil) {
            self.label = label
            self.x = x
            self.y = y
            self.color = color
            self.alpha = alpha
            self.yIntervals = yIntervals
        }
    }

    /// A curve over the points: a function sampled across the visible x range, or a polyline through
    /// given data points.
    public struct Curve: Sendable {
        public enum Shape: Sendable {
            case function(@Sendable (Double) -> Double)
            case polyline([(x: Double, y: Double)])
        }
        public var label: String?
        public var shape: Shape
        public var color: Color?
        public init(label: String? = nil, function: @escaping @Sendable (Double) -> Double, color: Color? = nil) {
            self.label = label
            self.shape = .function(function)
            self.color = color
        }
        public init(label: String? = nil, points: [(x: Double, y: Double)], color: Color? = nil) {
            self.label = label
            self.shape = .polyline(points)
            self.color = color
        }
    }

    public var series: [Series]
    public var curves: [Curve]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Fixed axis ranges; nil fits the points (and polylines) with 5% margins.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Samples taken of a function curve across the plot.
    public var curveSamples = 400
    /// Fixed x ticks (e.g. K values on a log10 axis, labelled with the values themselves); nil picks nice ticks.
    public var xTicks: AxisTicks?

    public init(series: [Series] = [], curves: [Curve] = [], title: String? = nil, xLabel: String? = nil,
                yLabel: String? = nil, xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.series = series
        self.curves = curves
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
    }

    public func draw(on canvas: Canvas, in rect: Rect, style: ChartStyle) {
        var xs: [Double] = [], ys: [Double] = []
        for item in series {
            for (x, y) in zip(item.x, item.y) where x.isFinite && y.isFinite { xs.append(x); ys.append(y) }
            for bar in item.yIntervals ?? [] { ys += [bar.low, bar.high].filter(\.isFinite) }
        }
        for curve in curves {
            if case .polyline(let points) = curve.shape {
                for point in points where point.x.isFinite && point.y.isFinite { xs.append(point.x); ys.append(point.y) }
            }
        }
        let xView = xRange ?? Axis.paddedRange(xs)
        // A function curve's values over the x range count towards the automatic y range too.
        var sampled: [[(x: Double, y: Double)]] = []
        for curve in curves {
            switch curve.shape {
            case .function(let function):
                let count = Swift.max(2, curveSamples)
                let points = (0..<count).map { index in
                    let x = xView.lowerBound + (xView.upperBound - xView.lowerBound) * Double(index) / Double(count - 1)
                    return (x: x, y: function(x))
                }
                if yRange == nil, !ys.isEmpty { ys += points.map(\.y).filter(\.isFinite) }
                sampled.append(points)
            case .polyline(let points):
                sampled.append(points)
            }
        }
        let axes = Axes(title: title, x: Axis(label: xLabel, range: xView, ticks: xTicks),
                        y: Axis(label: yLabel, range: yRange ?? Axis.paddedRange(ys)))
        let frame = axes.layout(on: canvas, in: rect, style: style)
        frame.drawGrid(on: canvas, style: style)
        var legend: [LegendEntry] = []
        var drawn: [Point] = []
        var colorIndex = 0
        let radius = style.fontSize * 0.25
        frame.clipped(on: canvas) {
            for item in series {
                let color = item.color ?? style.color(colorIndex)
                colorIndex += 1
                canvas.newPath()
                for (x, y) in zip(item.x, item.y) where x.isFinite && y.isFinite {
                    let point = frame.point(x: x, y: y)
                    drawn.append(point)
                    canvas.move(to: Point(x: point.x + radius, y: point.y))
                    canvas.addArc(center: point, radius: radius, startAngle: 0, endAngle: 2 * Double.pi)
                    canvas.closePath()
                }
                canvas.fill(color.withAlpha(item.alpha))
                if let bars = item.yIntervals {
                    canvas.newPath()
                    for (x, bar) in zip(item.x, bars) where x.isFinite && bar.low.isFinite && bar.high.isFinite {
                        let low = frame.point(x: x, y: bar.low), high = frame.point(x: x, y: bar.high)
                        canvas.move(to: low)
                        canvas.line(to: high)
                        for end in [low, high] {
                            canvas.move(to: Point(x: end.x - radius, y: end.y))
                            canvas.line(to: Point(x: end.x + radius, y: end.y))
                        }
                    }
                    canvas.stroke(color.withAlpha(Swift.max(item.alpha, 0.8)), lineWidth: style.lineWidth)
                }
                if let label = item.label { legend.append(LegendEntry(label: label, color: color, key: .marker)) }
            }
            for (curve, points) in zip(curves, sampled) {
                let color = curve.color ?? style.color(colorIndex)
                colorIndex += 1
                canvas.newPath()
                var penDown = false
                for point in points {
                    guard point.x.isFinite, point.y.isFinite else { penDown = false; continue }
                    var position = frame.point(x: point.x, y: point.y)
                    // Far outside the plot only the direction matters; keep Cairo's fixed-point coordinates small.
                    let reach = frame.plot.height * 10
                    position.y = Swift.min(Swift.max(position.y, frame.plot.minY - reach), frame.plot.maxY + reach)
                    drawn.append(position)
                    if penDown { canvas.line(to: position) } else { canvas.move(to: position) }
                    penDown = true
                }
                canvas.lineJoin = .round
                canvas.stroke(color, lineWidth: style.lineWidth * 1.6)
                if let label = curve.label { legend.append(LegendEntry(label: label, color: color, key: .line)) }
            }
        }
        frame.drawDecorations(on: canvas, style: style)
        frame.drawLegend(legend, avoiding: drawn, on: canvas, style: style)
    }
}
