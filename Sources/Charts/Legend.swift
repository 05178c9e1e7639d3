import CairoGraphics

/// One legend row: a key (filled patch, line or marker) in `color`, then `label`.
public struct LegendEntry: Equatable, Sendable {
    public enum Key: Sendable { case patch, line, marker }
    public var label: String
    public var color: Color
    public var key: Key

    public init(label: String, color: Color, key: Key) {
        self.label = label
        self.color = color
        self.key = key
    }
}

/// Where a legend sits inside the plot.
public enum LegendPlacement: Sendable, CaseIterable {
    /// The corner covering the fewest data points (matplotlib's `loc="best"`, restricted to corners),
    /// upper right on ties.
    case best
    case upperRight, upperLeft, lowerLeft, lowerRight
}

extension AxesFrame {
    /// Draws a matplotlib-style legend (white box at 80% opacity, light grey border) with one row per entry.
    /// With `.best`, `avoiding` lists the canvas points the legend should cover as few of as possible.
    /// Returns the legend's box (empty rectangle for no entries).
    @discardableResult
    public func drawLegend(_ entries: [LegendEntry], placement: LegendPlacement = .best, avoiding: [Point] = [],
                           on canvas: Canvas, style: ChartStyle) -> Rect {
        guard !entries.isEmpty else { return Rect(x: plot.minX, y: plot.minY, width: 0, height: 0) }
        canvas.font = style.font
        let metrics = canvas.fontMetrics()
        let rowHeight = (metrics.ascent + metrics.descent) * 1.25
        let keyWidth = style.fontSize * 1.6
        let gap = style.padding
        let labelWidth = entries.map { canvas.textExtents($0.label).xAdvance }.max() ?? 0
        let size = (width: gap * 2 + keyWidth + gap + labelWidth + gap, height: gap * 1.5 + rowHeight * Double(entries.count))
        let inset = style.padding * 1.5
        func box(_ corner: LegendPlacement) -> Rect {
            let left = corner == .upperLeft || corner == .lowerLeft
            let top = corner == .upperLeft || corner == .upperRight || corner == .best
            return Rect(x: left ? plot.minX + inset : plot.maxX - inset - size.width,
                        y: top ? plot.minY + inset : plot.maxY - inset - size.height,
                        width: size.width, height: size.height)
        }
        var chosen = placement
        if placement == .best {
            let order: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]
            let covered = order.map { corner in
                let rect = box(corner)
                return avoiding.count { $0.x >= rect.minX && $0.x <= rect.maxX && $0.y >= rect.minY && $0.y <= rect.maxY }
            }
            chosen = order[covered.indices.min { covered[$0] < covered[$1] } ?? 0]
        }
        let frame = box(chosen)
        canvas.newPath()
        addRoundedRectangle(frame, radius: gap * 0.8, on: canvas)
        canvas.setColor(Color.white.withAlpha(0.8))
        canvas.fill(preserve: true)
        canvas.stroke(Color(white: 0.8), lineWidth: style.lineWidth * 0.9)
        for (row, entry) in entries.enumerated() {
            let centerY = frame.minY + gap * 0.75 + rowHeight * (Double(row) + 0.5)
            let keyLeft = frame.minX + gap * 2
            switch entry.key {
            case .patch:
                canvas.fill(Rect(x: keyLeft, y: centerY - metrics.ascent * 0.35, width: keyWidth,
                                 height: metrics.ascent * 0.7), entry.color)
            case .line:
                canvas.newPath()
                canvas.move(to: Point(x: keyLeft, y: centerY))
                canvas.line(to: Point(x: keyLeft + keyWidth, y: centerY))
                canvas.stroke(entry.color, lineWidth: style.lineWidth * 1.4)
            case .marker:
                canvas.newPath()
                canvas.addCircle(center: Point(x: keyLeft + keyWidth / 2, y: centerY), radius: style.fontSize * 0.25)
                canvas.fill(entry.color)
            }
            canvas.drawText(entry.label, at: Point(x: keyLeft + keyWidth + gap, y: centerY), color: style.foreground,
                            baseline: .middle)
        }
        return frame
    }
}

/// A closed rectangle subpath with quarter-circle corners of `radius`.
func addRoundedRectangle(_ rect: Rect, radius: Double, on canvas: Canvas) {
    let r = Swift.min(radius, rect.width / 2, rect.height / 2)
    let halfPi = Double.pi / 2
    canvas.addArc(center: Point(x: rect.maxX - r, y: rect.minY + r), radius: r, startAngle: -halfPi, endAngle: 0)
    canvas.addArc(center: Point(x: rect.maxX - r, y: rect.maxY - r), radius: r, startAngle: 0, endAngle: halfPi)
    canvas.addArc(center: Point(x: rect.minX + r, y: rect.maxY - r), radius: r, startAngle: halfPi, endAngle: 2 * halfPi)
    canvas.addArc(center: Point(x: rect.minX + r, y: rect.minY + r), radius: r, startAngle: 2 * halfPi, endAngle: 3 * halfPi)
    canvas.closePath()
}
