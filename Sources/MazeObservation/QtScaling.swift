/// One axis of Qt 5's nearest-neighbour image scaling (`qt_scale_image_32bit` and its SSE2 twin), which
/// procgen's painter uses for every sprite and background (no antialiasing, no smooth transform).
///
/// The axes are independent, so a sprite drawn into a rectangle covers the destination pixels
/// `start ..< start + sources.count` on each axis, taking source index `sources[k]` for destination `start + k`.
struct ScaledAxis: Hashable, Sendable {
    /// First destination pixel (column or row).
    var start: Int
    /// Source index (texel column or row) for each destination pixel from `start` on.
    var sources: [Int]

    var count: Int { sources.count }

    init(start: Int, sources: [Int]) {
        self.start = start
        self.sources = sources
    }

    /// Qt's `qRound(double)` as in Qt 5.13 (`qglobal.h`).
    static func qRound(_ d: Double) -> Int {
        d >= 0 ? Int(d + 0.5) : Int(d - Double(Int(d - 1)) + 0.5) + Int(d - 1)
    }

    /// Maps a target interval onto `sourceLength` texels the way Qt does.
    ///
    /// - Parameters:
    ///   - origin: the target rectangle's left (or top) edge, as the painter sees it (a double).
    ///   - length: its width (or height); negative for a mirrored image, whose `origin` is then the right edge.
    ///   - sourceLength: the image's width (or height) in texels.
    ///   - clipLength: the destination's size; pixels outside `0 ..< clipLength` are clipped.
    init(origin: Double, length: Double, sourceLength: Int, clipLength: Int) {
        let scale = length / Double(sourceLength)
        let step = Int(Int32(Double(0x10000) / scale))  // C `int = double`, truncates toward zero
        var first = Self.qRound(origin)
        var end = Self.qRound(origin + length)
        if end < first { swap(&first, &end) }
        first = max(first, 0)
        end = min(end, clipLength)
        guard first < end else {
            self.start = 0
            self.sources = []
            return
        }
        var count = end - first
        let base: Int
        if scale < 0 {
            let right = origin + length  // targetRect.right() of the non-normalised (mirrored) rectangle
            base = sourceLength * 0x10000 + Int(((Double(first) + 0.5 - right) * Double(step)).rounded(.down)) + 1
        } else {
            base = Int(((Double(first) + 0.5 - origin) * Double(step)).rounded(.up)) - 1
        }
        // Qt drops the last pixel when rounding would read one texel past the image (uint32 arithmetic).
        let last = Int(UInt32(truncatingIfNeeded: base + step * (count - 1)) >> 16)
        if last >= sourceLength { count -= 1 }
        self.start = first
        self.sources = (0..<count).map { Int(UInt32(truncatingIfNeeded: base + $0 * step) >> 16) }
    }
}
