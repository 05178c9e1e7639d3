import CairoGraphics

/// A matrix drawn as square coloured cells (row 0 at the top, like `imshow`), row and column names on the
/// axes, optional value labels in the cells, and a colour bar on the right.
///
/// ```swift
/// let chart = try HeatMap(values: correlations, rowNames: names, columnNames: names,
///                         title: "Correlation of maze metrics", range: -1...1, cellLabelDecimals: 2)
/// try chart.write(to: "results/correlation.png", width: 900, height: 800)
/// ```
public struct HeatMap: Chart, Sendable {
    /// `rows` arrays of `columns` values each; non-finite values are drawn in `colormap.invalidColor`.
    public var values: [[Double]]
    public var rowNames: [String]
    public var columnNames: [String]
    public var title: String?
    /// Values mapped to the ends of the colormap; nil gives `-m...m` for the largest finite magnitude `m`
    /// (centring a diverging map on 0).
    public var range: ClosedRange<Double>?
    public var colormap: Colormap
    /// Digits after the point of a value label in each cell; nil draws no labels.
    public var cellLabelDecimals: Int?
    /// Text beside the colour bar.
    public var colorBarLabel: String?

    /// Throws `ChartError` when the rows differ in length or the names do not match the matrix's shape.
    public init(values: [[Double]], rowNames: [String], columnNames: [String], title: String? = nil,
                range: ClosedRange<Double>? = nil, colormap: Colormap = .redBlue, cellLabelDecimals: Int? = nil,
                colorBarLabel: String? = nil) throws(ChartError) {
        let columns = values.first?.count ?? 0
        guard values.allSatisfy({ $0.count == columns }) else {
            throw ChartError("heat map: every row needs \(columns) values (the first row's count), got \(values.map(\.count))")
        }
        guard rowNames.count == values.count, columnNames.count == columns else {
            throw ChartError("heat map: \(values.count)x\(columns) values need \(values.count) row names and \(columns) column names, got \(rowNames.count) and \(columnNames.count)")
        }
        self.values = values
        self.rowNames = rowNames
        self.columnNames = columnNames
        self.title = title
        self.range = range
        self.colormap = colormap
        self.cellLabelDecimals = cellLabelDecimals
        self.colorBarLabel = colorBarLabel
    }

    /// The colour scale: `range`, or symmetric about 0 around the largest finite magnitude (1 when none).
    public var colorRange: ClosedRange<Double> {
        if let range { return range }
        let largest = values.joined().filter(\.isFinite).map(abs).max() ?? 0
        return largest > 0 ? -largest...largest : -1...1
    }

    public func draw(on canvas: Canvas, in rect: Rect, style: ChartStyle) {
        let rows = values.count, columns = values.first?.count ?? 0
        let scale = colorRange
        canvas.font = style.font
        let metrics = canvas.fontMetrics()
        let lineHeight = metrics.ascent + metrics.descent
        let barGap = style.fontSize * 1.2, barWidth = style.fontSize * 1.4
        let roughTicks = AxisTicks(lower: scale.lowerBound, upper: scale.upperBound, maxCount: 7)
        let tickLabelWidth = roughTicks.labels.map { canvas.textExtents($0).xAdvance }.max() ?? 0
        let reserved = barGap + barWidth + style.tickLength + style.padding + tickLabelWidth
            + (colorBarLabel == nil ? 0 : style.padding + lineHeight)
        let axes = Axes(title: title,
                        x: Axis(range: -0.5...(Double(Swift.max(columns, 1)) - 0.5), ticks: Axis.categoryTicks(columnNames)),
                        y: Axis(range: -0.5...(Double(Swift.max(rows, 1)) - 0.5), ticks: Axis.categoryTicks(rowNames),
                                inverted: true),
                        reservedRight: reserved)
        var frame = axes.layout(on: canvas, in: rect, style: style)
        // Square cells, the matrix centred in the space the layout left for it.
        let cell = Swift.min(frame.plot.width / Double(Swift.max(columns, 1)), frame.plot.height / Double(Swift.max(rows, 1)))
        let width = cell * Double(Swift.max(columns, 1)), height = cell * Double(Swift.max(rows, 1))
        frame.plot = Rect(x: frame.plot.minX + (frame.plot.width - width) / 2, y: frame.plot.minY + (frame.plot.height - height) / 2,
                          width: width, height: height)
        for (row, rowValues) in values.enumerated() {
            for (column, value) in rowValues.enumerated() {
                let topLeft = frame.point(x: Double(column) - 0.5, y: Double(row) - 0.5)
                canvas.fill(Rect(x: topLeft.x, y: topLeft.y, width: cell, height: cell), colormap.color(of: value, in: scale))
            }
        }
        if let decimals = cellLabelDecimals {
            canvas.font = style.font.withSize(Swift.min(style.fontSize, cell * 0.3))
            for (row, rowValues) in values.enumerated() {
                for (column, value) in rowValues.enumerated() where value.isFinite {
                    let background = colormap.color(of: value, in: scale)
                    canvas.drawText(HeatMap.label(value, decimals: decimals), at: frame.point(x: Double(column), y: Double(row)),
                                    color: background.luminance < 0.5 ? .white : .black, alignment: .center, baseline: .middle)
                }
            }
            canvas.font = style.font
        }
        frame.drawDecorations(on: canvas, style: style)
        drawColorBar(on: canvas, beside: frame.plot, x: frame.plot.maxX + barGap, width: barWidth, scale: scale, style: style)
    }

    /// The colour bar: `colormap` in thin slices from the bottom (low) to the top (high), framed, with nice
    /// ticks and labels on its right and `colorBarLabel` beyond them, read upwards.
    private func drawColorBar(on canvas: Canvas, beside plot: Rect, x: Double, width: Double, scale: ClosedRange<Double>,
                              style: ChartStyle) {
        let bar = Rect(x: x, y: plot.minY, width: width, height: plot.height)
        let slices = 128
        let sliceHeight = bar.height / Double(slices)
        for slice in 0..<slices {
            let t = (Double(slice) + 0.5) / Double(slices)
            // Overlap by a hair so antialiasing leaves no seams between slices.
            canvas.fill(Rect(x: bar.minX, y: bar.maxY - Double(slice + 1) * sliceHeight, width: bar.width,
                             height: sliceHeight + 0.5), colormap.color(at: t))
        }
        canvas.newPath()
        canvas.addRectangle(bar)
        canvas.stroke(style.foreground, lineWidth: style.lineWidth)
        canvas.font = style.font
        let span = scale.upperBound - scale.lowerBound
        let ticks = AxisTicks(lower: scale.lowerBound, upper: scale.upperBound, maxCount: Axes.autoCount(bar.height, style))
        canvas.newPath()
        for value in ticks.values {
            let y = bar.maxY - (span > 0 ? (value - scale.lowerBound) / span : 0.5) * bar.height
            canvas.move(to: Point(x: bar.maxX, y: y))
            canvas.line(to: Point(x: bar.maxX + style.tickLength, y: y))
        }
        canvas.stroke(style.foreground, lineWidth: style.lineWidth)
        var widest = 0.0
        for (value, label) in zip(ticks.values, ticks.labels) {
            let y = bar.maxY - (span > 0 ? (value - scale.lowerBound) / span : 0.5) * bar.height
            canvas.drawText(label, at: Point(x: bar.maxX + style.tickLength + style.padding, y: y), color: style.foreground,
                            baseline: .middle)
            widest = Swift.max(widest, canvas.textExtents(label).xAdvance)
        }
        if let multiplier = ticks.multiplierLabel {
            canvas.drawText(multiplier, at: Point(x: bar.minX, y: bar.minY - style.padding), color: style.foreground,
                            baseline: .bottom)
        }
        if let colorBarLabel {
            let anchor = Point(x: bar.maxX + style.tickLength + style.padding * 2 + widest + canvas.fontMetrics().ascent,
                               y: bar.midY)
            drawRotated(colorBarLabel, at: anchor, on: canvas, color: style.foreground, alignment: .center, baseline: .baseline)
        }
    }

    /// `value` rounded to `decimals` digits, written like the tick labels (minus sign U+2212, no "−0").
    static func label(_ value: Double, decimals: Int) -> String {
        let digits = Swift.max(0, Swift.min(decimals, 12))
        let scaled = (value * power10(digits)).rounded()
        guard abs(scaled) < 9e15 else { return String(value) }
        return AxisTicks.format(integer: Int(scaled), shift: -digits, decimals: digits)
    }
}
