import CairoGraphics

/// One axis of a plot: its label, the data range it shows and, optionally, fixed ticks.
public struct Axis: Sendable {
    /// Text beside the axis (below x, rotated left of y); nil for none.
    public var label: String?
    /// The data range mapped onto the plot's width or height.
    public var range: ClosedRange<Double>
    /// Fixed ticks (categories, say); nil picks nice ticks for `range` from the plot's size.
    public var ticks: AxisTicks?
    /// Reversed direction: larger y values lower down (image rows, heat-map rows), larger x values to the left.
    public var inverted: Bool
    /// Automatic ticks only at whole numbers (for counts).
    public var integerTicks = false

    public init(label: String? = nil, range: ClosedRange<Double>, ticks: AxisTicks? = nil, inverted: Bool = false,
                integerTicks: Bool = false) {
        self.integerTicks = integerTicks
        self.label = label
        self.range = range
        self.ticks = ticks
        self.inverted = inverted
    }

    /// matplotlib's automatic view range: the finite values' minimum to maximum, widened by `margin` of the
    /// span on each side; a bound listed in `sticky` (0 under bars) is not widened past. A constant series
    /// is widened as `AxisTicks.widenedIfDegenerate` does; no finite value gives `0...1`.
    public static func paddedRange(_ values: [Double], margin: Double = 0.05, sticky: [Double] = []) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return 0...1 }
        (low, high) = AxisTicks.widenedIfDegenerate(low, high)
        let pad = (high - low) * margin
        var lower = low - pad, upper = high + pad
        for edge in sticky {
            if low >= edge, lower < edge { lower = edge }
            if high <= edge, upper > edge { upper = edge }
        }
        return lower...upper
    }

    /// Ticks for positions 0, 1, ..., names.count - 1 labelled with `names`.
    public static func categoryTicks(_ names: [String]) -> AxisTicks {
        AxisTicks(values: names.indices.map(Double.init), labels: names)
    }
}

/// A title, two axes and room kept free beside them: lays out a plot rectangle inside a chart's rectangle
/// so that tick labels, axis labels and title fit without overlapping, then draws the frame around it.
public struct Axes: Sendable {
    public var title: String?
    public var x: Axis
    public var y: Axis
    /// Width kept free to the right of the plot (for a colour bar).
    public var reservedRight: Double

    public init(title: String? = nil, x: Axis, y: Axis, reservedRight: Double = 0) {
        self.title = title
        self.x = x
        self.y = y
        self.reservedRight = reservedRight
    }

    /// Measures the text in `style` (sets the canvas font) and places the plot inside `rect`.
    /// Automatic tick counts follow matplotlib's rule of thumb (one tick per three font sizes of axis
    /// length, 3 to 9), lowered until the x labels fit side by side; category labels that would touch
    /// are turned to read upwards.
    public func layout(on canvas: Canvas, in rect: Rect, style: ChartStyle) -> AxesFrame {
        canvas.font = style.font
        let metrics = canvas.fontMetrics()
        let lineHeight = metrics.ascent + metrics.descent
        let gap = style.padding, tick = style.tickLength
        var plot = rect.insetBy(style.outerMargin)
        var xTicks = AxisTicks(values: [], labels: []), yTicks = xTicks
        var rotateX = false, yLabelWidth = 0.0, xLabelHeight = 0.0
        for _ in 0..<2 {
            yTicks = y.ticks ?? AxisTicks(lower: y.range.lowerBound, upper: y.range.upperBound,
                                          maxCount: Axes.autoCount(plot.height, style), integer: y.integerTicks)
            xTicks = x.ticks ?? fittingXTicks(canvas, length: plot.width, style: style)
            yLabelWidth = yTicks.labels.map { canvas.textExtents($0).xAdvance }.max() ?? 0
            let xWidths = xTicks.labels.map { canvas.textExtents($0).xAdvance }
            let spacing = xTicks.values.count > 1 ? plot.width / Double(xTicks.values.count) : plot.width
            rotateX = x.ticks != nil && (xWidths.max() ?? 0) > spacing - gap
            xLabelHeight = rotateX ? (xWidths.max() ?? 0) : lineHeight
            let left = rect.minX + style.outerMargin + (y.label == nil ? 0 : lineHeight + gap) + yLabelWidth + gap + tick
            let bottom = rect.maxY - style.outerMargin - (x.label == nil && xTicks.exponent == 0 ? 0 : lineHeight + gap)
                - xLabelHeight - gap - tick
            canvas.font = style.titleFont
            let titleHeight = title == nil ? 0 : canvas.fontMetrics().ascent + canvas.fontMetrics().descent + 2 * gap
            canvas.font = style.font
            let top = rect.minY + style.outerMargin + titleHeight + (yTicks.exponent != 0 ? lineHeight + gap : lineHeight / 2)
            let lastX = rotateX ? 0 : (xWidths.last ?? 0) / 2
            let right = rect.maxX - style.outerMargin - reservedRight - Swift.max(lastX, gap)
            plot = Rect(x: left, y: top, width: Swift.max(1, right - left), height: Swift.max(1, bottom - top))
        }
        return AxesFrame(axes: self, plot: plot, xTicks: xTicks, yTicks: yTicks, rotateXLabels: rotateX,
                         yTickLabelWidth: yLabelWidth, xTickLabelHeight: xLabelHeight)
    }

    static func autoCount(_ length: Double, _ style: ChartStyle) -> Int {
        Swift.min(9, Swift.max(3, Int(length / (style.fontSize * 3))))
    }

    private func fittingXTicks(_ canvas: Canvas, length: Double, style: ChartStyle) -> AxisTicks {
        var count = Axes.autoCount(length, style)
        while true {
            let ticks = AxisTicks(lower: x.range.lowerBound, upper: x.range.upperBound, maxCount: count,
                                  integer: x.integerTicks)
            let widest = ticks.labels.map { canvas.textExtents($0).xAdvance }.max() ?? 0
            if count <= 2 || Double(ticks.values.count) * (widest + 2 * style.fontSize) <= length { return ticks }
            count -= 1
        }
    }
}

/// A laid-out plot: where the data area lies on the canvas and the ticks chosen for it.
public struct AxesFrame: Sendable {
    public var axes: Axes
    /// The data area in canvas units; `axes.x.range` maps onto its width, `axes.y.range` onto its height.
    public var plot: Rect
    public var xTicks: AxisTicks
    public var yTicks: AxisTicks
    var rotateXLabels: Bool
    var yTickLabelWidth: Double
    var xTickLabelHeight: Double

    /// Canvas x of data value `x`.
    public func canvasX(_ x: Double) -> Double {
        let range = axes.x.range
        var t = range.upperBound == range.lowerBound ? 0.5 : (x - range.lowerBound) / (range.upperBound - range.lowerBound)
        if axes.x.inverted { t = 1 - t }
        return plot.minX + t * plot.width
    }

    /// Canvas y of data value `y` (larger values higher up unless the axis is inverted).
    public func canvasY(_ y: Double) -> Double {
        let range = axes.y.range
        var t = range.upperBound == range.lowerBound ? 0.5 : (y - range.lowerBound) / (range.upperBound - range.lowerBound)
        if axes.y.inverted { t = 1 - t }
        return plot.maxY - t * plot.height
    }

    /// Canvas point of data point (`x`, `y`).
    public func point(x: Double, y: Double) -> Point { Point(x: canvasX(x), y: canvasY(y)) }

    /// Runs `body` with drawing clipped to the plot rectangle.
    public func clipped(on canvas: Canvas, _ body: () -> Void) {
        canvas.withSavedState {
            canvas.newPath()
            canvas.addRectangle(plot)
            canvas.clip()
            body()
        }
    }

    /// Grid lines at the ticks when `style.grid` is on; call before drawing data.
    public func drawGrid(on canvas: Canvas, style: ChartStyle) {
        guard style.grid else { return }
        canvas.newPath()
        for value in xTicks.values where axes.x.range.contains(value) {
            canvas.move(to: Point(x: canvasX(value), y: plot.minY))
            canvas.line(to: Point(x: canvasX(value), y: plot.maxY))
        }
        for value in yTicks.values where axes.y.range.contains(value) {
            canvas.move(to: Point(x: plot.minX, y: canvasY(value)))
            canvas.line(to: Point(x: plot.maxX, y: canvasY(value)))
        }
        canvas.stroke(style.gridColor, lineWidth: style.lineWidth * 0.7)
    }

    /// The frame (four spines), outward ticks with their labels, the axis labels, any `×10ⁿ` factors and
    /// the title; call after drawing data.
    public func drawDecorations(on canvas: Canvas, style: ChartStyle) {
        let gap = style.padding, tick = style.tickLength
        let ink = style.foreground
        canvas.newPath()
        canvas.addRectangle(plot)
        canvas.lineJoin = .miter
        canvas.stroke(ink, lineWidth: style.lineWidth)
        canvas.font = style.font
        let metrics = canvas.fontMetrics()
        // x ticks and labels.
        canvas.newPath()
        let xShown = xTicks.values.indices.filter { isInside(xTicks.values[$0], axes.x.range) }
        let yShown = yTicks.values.indices.filter { isInside(yTicks.values[$0], axes.y.range) }
        for index in xShown {
            let x = canvasX(xTicks.values[index])
            canvas.move(to: Point(x: x, y: plot.maxY))
            canvas.line(to: Point(x: x, y: plot.maxY + tick))
        }
        for index in yShown {
            let y = canvasY(yTicks.values[index])
            canvas.move(to: Point(x: plot.minX, y: y))
            canvas.line(to: Point(x: plot.minX - tick, y: y))
        }
        canvas.stroke(ink, lineWidth: style.lineWidth)
        for index in xShown {
            let anchor = Point(x: canvasX(xTicks.values[index]), y: plot.maxY + tick + gap)
            if rotateXLabels {
                drawRotated(xTicks.labels[index], at: anchor, on: canvas, color: ink, alignment: .right, baseline: .middle)
            } else {
                canvas.drawText(xTicks.labels[index], at: anchor, color: ink, alignment: .center, baseline: .top)
            }
        }
        for index in yShown {
            canvas.drawText(yTicks.labels[index], at: Point(x: plot.minX - tick - gap, y: canvasY(yTicks.values[index])),
                            color: ink, alignment: .right, baseline: .middle)
        }
        let belowTicks = plot.maxY + tick + gap + xTickLabelHeight + gap
        if let multiplier = xTicks.multiplierLabel {
            canvas.drawText(multiplier, at: Point(x: plot.maxX, y: belowTicks), color: ink, alignment: .right, baseline: .top)
        }
        if let multiplier = yTicks.multiplierLabel {
            canvas.drawText(multiplier, at: Point(x: plot.minX, y: plot.minY - gap), color: ink, baseline: .bottom)
        }
        if let label = axes.x.label {
            canvas.drawText(label, at: Point(x: plot.midX, y: belowTicks), color: ink, alignment: .center, baseline: .top)
        }
        if let label = axes.y.label {
            let anchor = Point(x: plot.minX - tick - gap - yTickLabelWidth - gap - metrics.descent, y: plot.midY)
            drawRotated(label, at: anchor, on: canvas, color: ink, alignment: .center, baseline: .baseline)
        }
        if let title = axes.title {
            canvas.font = style.titleFont
            let lift = yTicks.exponent != 0 ? metrics.ascent + metrics.descent + gap : 0
            canvas.drawText(title, at: Point(x: plot.midX, y: plot.minY - 2 * gap - lift), color: ink,
                            alignment: .center, baseline: .bottom)
            canvas.font = style.font
        }
    }

    private func isInside(_ value: Double, _ range: ClosedRange<Double>) -> Bool {
        let slack = (range.upperBound - range.lowerBound) * 1e-9
        return value >= range.lowerBound - slack && value <= range.upperBound + slack
    }
}

/// Draws `text` turned a quarter left (reading upwards), anchored at `anchor` as `drawText` anchors it
/// before the turn.
func drawRotated(_ text: String, at anchor: Point, on canvas: Canvas, color: Color, alignment: TextAlignment,
                 baseline: TextBaseline) {
    canvas.withSavedState {
        canvas.translate(x: anchor.x, y: anchor.y)
        canvas.rotate(radians: -Double.pi / 2)
        canvas.drawText(text, at: .zero, color: color, alignment: alignment, baseline: baseline)
    }
}

extension Rect {
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
}
