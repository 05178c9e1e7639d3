import CairoGraphics

/// A colour map for signed values, centred on 0 (white or near-white).
public enum DivergingColorMap: String, Hashable, Sendable, Codable, CaseIterable {
    /// ColorBrewer / matplotlib / plotly `RdBu`: negative red, positive **blue** (the posts' heat maps).
    case redBlue = "RdBu"
    /// matplotlib `bwr`: negative blue, white at 0, positive **red** (the paper's heat maps).
    case blueWhiteRed = "bwr"

    /// The colour of `value` on a scale from `-limit` (first colour) to `+limit` (last colour); values beyond
    /// the limit take the end colours. A zero limit maps everything to the centre.
    public func color(_ value: Double, limit: Double) -> Color {
        let t = limit > 0 ? min(1, max(0, (value / limit + 1) / 2)) : 0.5
        let stops = self.stops
        let position = t * Double(stops.count - 1)
        let lower = min(stops.count - 2, Int(position))
        let f = position - Double(lower)
        let a = stops[lower], b = stops[lower + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                     blue: a.blue + (b.blue - a.blue) * f)
    }

    /// Evenly spaced control colours from -limit to +limit.
    public var stops: [Color] {
        switch self {
        case .redBlue:
            [0x67001F, 0xB2182B, 0xD6604D, 0xF4A582, 0xFDDBC7, 0xF7F7F7, 0xD1E5F0, 0x92C5DE, 0x4393C3, 0x2166AC,
             0x053061].map { Color(hex: $0) }
        case .blueWhiteRed:
            [Color(red: 0, green: 0, blue: 1), .white, Color(red: 1, green: 0, blue: 0)]
        }
    }
}

/// The two published ways of colouring channel activations.
public enum HeatmapConvention: String, Hashable, Sendable, Codable, CaseIterable {
    /// The posts: plotly `RdBu`, `zmid = 0`, range ±max|activation| over the layer; positive is blue.
    case posts
    /// The paper: matplotlib `bwr` with the fixed range [-1, 1]; positive is red.
    case paper

    public var colorMap: DivergingColorMap { self == .posts ? .redBlue : .blueWhiteRed }

    /// The half-range of the colour scale: 1 for the paper; for the posts the largest |value| of `layerValues`
    /// (1 when they are all zero).
    public func limit(layerValues: [Float]) -> Double {
        guard self == .posts else { return 1 }
        let largest = layerValues.reduce(Float(0)) { max($0, abs($1)) }
        return largest > 0 ? Double(largest) : 1
    }
}
