/// The shape of an arrow: a straight shaft ending in a triangular head, in user units.
public struct ArrowStyle: Equatable, Sendable {
    /// Width of the shaft.
    public var shaftWidth: Double
    /// Full width of the head at its base (wider than the shaft for a visible head).
    public var headWidth: Double
    /// Length of the head along the arrow.
    public var headLength: Double

    public init(shaftWidth: Double, headWidth: Double, headLength: Double) {
        self.shaftWidth = shaftWidth
        self.headWidth = headWidth
        self.headLength = headLength
    }

    /// A head 3 shaft widths wide and 3 shaft widths long.
    public init(shaftWidth: Double) {
        self.init(shaftWidth: shaftWidth, headWidth: 3 * shaftWidth, headLength: 3 * shaftWidth)
    }
}

extension Canvas {
    /// Adds an arrow from `tail` to `tip` as one closed 7-point polygon (fill it; do not stroke it).
    /// An arrow shorter than its head keeps its tip and shrinks the head in proportion, without shaft.
    /// Returns false and adds nothing when the arrow has zero length.
    ///
    /// Cost: 7 path points. For hundreds of arrows, add them all and `fill` once (fastest, one SVG
    /// `<path>`), or fill each (one `<path>` per arrow in SVG, so each stays a separate object).
    @discardableResult
    public func addArrow(from tail: Point, to tip: Point, style: ArrowStyle) -> Bool {
        let dx = tip.x - tail.x, dy = tip.y - tail.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0, length.isFinite else { return false }
        let ux = dx / length, uy = dy / length
        // Unit normal, to the left of the direction of travel.
        let nx = -uy, ny = ux
        var headLength = style.headLength, headHalf = style.headWidth / 2
        var shaftHalf = style.shaftWidth / 2
        if headLength > length {
            let shrink = length / headLength
            headLength = length
            headHalf *= shrink
            shaftHalf *= shrink
        }
        let baseX = tip.x - ux * headLength, baseY = tip.y - uy * headLength
        move(to: Point(x: tail.x + nx * shaftHalf, y: tail.y + ny * shaftHalf))
        line(to: Point(x: baseX + nx * shaftHalf, y: baseY + ny * shaftHalf))
        line(to: Point(x: baseX + nx * headHalf, y: baseY + ny * headHalf))
        line(to: tip)
        line(to: Point(x: baseX - nx * headHalf, y: baseY - ny * headHalf))
        line(to: Point(x: baseX - nx * shaftHalf, y: baseY - ny * shaftHalf))
        line(to: Point(x: tail.x - nx * shaftHalf, y: tail.y - ny * shaftHalf))
        closePath()
        return true
    }

    /// Fills one arrow in `color` (see `addArrow`); returns false when it had zero length.
    @discardableResult
    public func fillArrow(from tail: Point, to tip: Point, style: ArrowStyle, color: Color) -> Bool {
        newPath()
        guard addArrow(from: tail, to: tip, style: style) else { return false }
        fill(color)
        return true
    }
}
