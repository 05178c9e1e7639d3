import CairoGraphics

/// Colours for values in 0...1, interpolated linearly in sRGB between evenly spaced stops (as matplotlib's
/// `LinearSegmentedColormap.from_list` does).
public struct Colormap: Equatable, Sendable {
    /// At least one colour; stop `i` sits at `i / (stops.count - 1)`.
    public var stops: [Color]
    /// Colour of non-finite values.
    public var invalidColor: Color

    public init(stops: [Color], invalidColor: Color = Color(white: 0.85)) {
        precondition(!stops.isEmpty, "a colormap needs at least one colour")
        self.stops = stops
        self.invalidColor = invalidColor
    }

    /// The colour at `t`, clamped to 0...1; `invalidColor` for a non-finite `t`.
    public func color(at t: Double) -> Color {
        guard t.isFinite else { return invalidColor }
        guard stops.count > 1 else { return stops[0] }
        let position = Swift.min(Swift.max(t, 0), 1) * Double(stops.count - 1)
        let index = Swift.min(Int(position), stops.count - 2)
        let f = position - Double(index)
        let a = stops[index], b = stops[index + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                     blue: a.blue + (b.blue - a.blue) * f, alpha: a.alpha + (b.alpha - a.alpha) * f)
    }

    /// The colour of `value` on a scale from `range.lowerBound` (t = 0) to `range.upperBound` (t = 1).
    public func color(of value: Double, in range: ClosedRange<Double>) -> Color {
        let span = range.upperBound - range.lowerBound
        return color(at: span > 0 ? (value - range.lowerBound) / span : (value.isFinite ? 0.5 : .nan))
    }

    /// Diverging blue (low) – white – red (high): ColorBrewer's 11-class RdBu reversed, matplotlib's `RdBu_r`,
    /// the usual map for correlations in -1...1.
    public static let redBlue = Colormap(stops: [
        0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F,
    ].map { Color(hex: $0) })

    /// White to black, for non-negative quantities.
    public static let grays = Colormap(stops: [.white, .black])
}

extension Color {
    /// Relative luminance (Rec. 709 weights on the sRGB components), to choose black or white text over a colour.
    var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }
}
