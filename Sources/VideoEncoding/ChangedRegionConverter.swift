import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// How `VideoEncoder` converts packed RGB frames into the YUV 4:2:0 frame it encodes. Both give the same bytes.
public enum FrameConversion: Sendable, Hashable {
    /// One `sws_scale` call over the whole frame, every frame: the reference.
    case wholeFrame
    /// Only the tiles that differ from the previous frame are converted again (with a margin of pixels around
    /// them, so the filters see the same neighbours as in a whole-frame conversion); the rest of the YUV frame is
    /// kept. A frame equal to the previous one costs one comparison. The result equals `wholeFrame` byte for byte
    /// (tested against it on rollout frames and on random changes).
    case changedRegions
}

/// Converts frames into one persistent YUV 4:2:0 `AVFrame`, converting again only what changed since the last
/// frame (see `FrameConversion.changedRegions`).
///
/// The frame is cut into `tileWidth` x `tileHeight` tiles; a tile is dirty when any byte of its pixels, or of the
/// pixels within `halo` of it, differs from the last frame (a change moves the filtered values next to it too). Each run of dirty tiles in a row of tiles (merged with identical runs in the rows below)
/// is converted as a small image that extends `margin` pixels further on every side (clamped to the frame), and
/// only its inside is copied into the frame. swscale's filters for this conversion (BGRA or RGB24 to YUV 4:2:0
/// at the same size, bilinear, accurate rounding) reach at most 2 pixels and have no position-dependent
/// dither for 8-bit input, so with even offsets and an 8-pixel margin the inside equals a whole-frame
/// conversion; tests compare the two byte for byte.
///
/// Memory: one packed copy of the last frame, one scratch YUV frame and one swscale context per region size
/// met (bounded by the frame's tile grid). Not thread-safe.
final class ChangedRegionConverter {
    static let tileWidth = 32, tileHeight = 32
    /// Pixels converted around a region (its filters' input) and pixels around a tile whose change makes the tile
    /// dirty (how far a change reaches in the output); swscale's filters here reach 2.
    static let margin = 8, halo = 4

    let width: Int, height: Int, layout: PixelLayout
    /// Tiles converted again over the converter's life, and tiles seen; for benchmarks and tests.
    private(set) var convertedTiles = 0, seenTiles = 0
    private let whole: Scaler
    private var regionScalers: [Int: Scaler] = [:]
    private let scratch: Frame
    private var last: [UInt8]
    private var hasLast = false
    private let columns: Int, rows: Int
    private var dirty: [Bool]

    init(width: Int, height: Int, layout: PixelLayout) throws {
        precondition(width % 2 == 0 && height % 2 == 0, "YUV 4:2:0 needs even sizes")
        self.width = width
        self.height = height
        self.layout = layout
        whole = try Scaler(width: width, height: height, from: layout.avFormat, to: AV_PIX_FMT_YUV420P)
        scratch = try Frame(format: AV_PIX_FMT_YUV420P, width: width, height: height)
        last = [UInt8](repeating: 0, count: width * height * layout.bytesPerPixel)
        columns = (width + Self.tileWidth - 1) / Self.tileWidth
        rows = (height + Self.tileHeight - 1) / Self.tileHeight
        dirty = [Bool](repeating: false, count: columns * rows)
    }

    /// Brings `frame` (YUV 4:2:0, `width` x `height`, holding this converter's previous output, or anything
    /// before the first call) up to date with `pixels`. - Returns: tiles converted again.
    @discardableResult
    func convert(_ pixels: UnsafeRawBufferPointer, bytesPerRow: Int, into frame: UnsafeMutablePointer<AVFrame>) throws -> Int {
        let source = pixels.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let rowBytes = width * layout.bytesPerPixel
        seenTiles += columns * rows
        guard hasLast else {
            try check(cffmpeg_scale_packed_to_frame(whole.pointer, source, Int32(bytesPerRow), Int32(height), frame),
                      "sws_scale")
            last.withUnsafeMutableBytes { copy in
                for y in 0..<height {
                    (copy.baseAddress! + y * rowBytes).copyMemory(from: source + y * bytesPerRow, byteCount: rowBytes)
                }
            }
            hasLast = true
            convertedTiles += columns * rows
            return columns * rows
        }
        let count = markDirtyTiles(source, bytesPerRow: bytesPerRow)
        if count == 0 { return 0 }
        convertedTiles += count
        // Most of the frame changed (a new page): one whole conversion is cheaper than many regions with margins.
        if count * 10 >= columns * rows * 6 {
            try check(cffmpeg_scale_packed_to_frame(whole.pointer, source, Int32(bytesPerRow), Int32(height), frame),
                      "sws_scale")
            return count
        }
        // Rectangles of tiles: a run of dirty tiles in one row, extended down while the next row has the same run.
        var taken = [Bool](repeating: false, count: columns * rows)
        for row in 0..<rows {
            var column = 0
            while column < columns {
                guard dirty[row * columns + column], !taken[row * columns + column] else { column += 1; continue }
                var end = column
                while end < columns, dirty[row * columns + end], !taken[row * columns + end] { end += 1 }
                var bottom = row + 1
                while bottom < rows, (column..<end).allSatisfy({ dirty[bottom * columns + $0] && !taken[bottom * columns + $0] }),
                      column == 0 || !dirty[bottom * columns + column - 1] || taken[bottom * columns + column - 1],
                      end == columns || !dirty[bottom * columns + end] || taken[bottom * columns + end] {
                    bottom += 1
                }
                for r in row..<bottom { for c in column..<end { taken[r * columns + c] = true } }
                try convertRegion(source, bytesPerRow: bytesPerRow, into: frame,
                                  x0: column * Self.tileWidth, x1: min(width, end * Self.tileWidth),
                                  y0: row * Self.tileHeight, y1: min(height, bottom * Self.tileHeight))
                column = end
            }
        }
        return count
    }

    /// Marks the tiles to convert again: those with a changed pixel in the tile or within `halo` pixels of it (the
    /// filters carry a change that far into the neighbouring tile), and copies the changed pixels into `last`.
    /// Each row is compared whole first; only a row that differs is compared tile by tile, and in a tile that
    /// differs the first and last changed pixels bound the change. - Returns: dirty tiles.
    private func markDirtyTiles(_ source: UnsafePointer<UInt8>, bytesPerRow: Int) -> Int {
        let bytesPerPixel = layout.bytesPerPixel, rowBytes = width * bytesPerPixel, halo = Self.halo
        let tileWidth = Self.tileWidth, tileHeight = Self.tileHeight
        for i in dirty.indices { dirty[i] = false }
        // Changed pixels per tile: x and y bounds.
        let none = (minX: Int.max, maxX: Int.min, minY: Int.max, maxY: Int.min)
        var bounds = [(minX: Int, maxX: Int, minY: Int, maxY: Int)](repeating: none, count: columns * rows)
        last.withUnsafeMutableBytes { copy in
            let previous = copy.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for y in 0..<height {
                let now = source + y * bytesPerRow, before = previous + y * rowBytes
                if memcmp(now, before, rowBytes) == 0 { continue }
                let row = y / tileHeight
                for column in 0..<columns {
                    let start = column * tileWidth * bytesPerPixel
                    let end = min(width, (column + 1) * tileWidth) * bytesPerPixel
                    guard memcmp(now + start, before + start, end - start) != 0 else { continue }
                    var first = start, last = end - 1
                    while now[first] == before[first] { first += 1 }
                    while now[last] == before[last] { last -= 1 }
                    let tile = row * columns + column
                    bounds[tile].minX = min(bounds[tile].minX, first / bytesPerPixel)
                    bounds[tile].maxX = max(bounds[tile].maxX, last / bytesPerPixel)
                    bounds[tile].minY = min(bounds[tile].minY, y)
                    bounds[tile].maxY = max(bounds[tile].maxY, y)
                    (before + first).update(from: now + first, count: last + 1 - first)
                }
            }
        }
        // A change dirties every tile within `halo` pixels of it.
        var count = 0
        for tile in bounds.indices where bounds[tile].minX != Int.max {
            let b = bounds[tile]
            let c0 = max(0, b.minX - halo) / tileWidth, c1 = min(width - 1, b.maxX + halo) / tileWidth
            let r0 = max(0, b.minY - halo) / tileHeight, r1 = min(height - 1, b.maxY + halo) / tileHeight
            for r in r0...r1 {
                for c in c0...c1 where !dirty[r * columns + c] {
                    dirty[r * columns + c] = true
                    count += 1
                }
            }
        }
        return count
    }

    /// Converts `[x0, x1) x [y0, y1)` (even bounds) plus the margin into the scratch frame and copies the inside.
    private func convertRegion(_ source: UnsafePointer<UInt8>, bytesPerRow: Int, into frame: UnsafeMutablePointer<AVFrame>,
                               x0: Int, x1: Int, y0: Int, y1: Int) throws {
        let m = Self.margin
        let rx0 = max(0, x0 - m), rx1 = min(width, x1 + m), ry0 = max(0, y0 - m), ry1 = min(height, y1 + m)
        let regionWidth = rx1 - rx0, regionHeight = ry1 - ry0
        let key = regionWidth << 20 | regionHeight
        let scaler: Scaler
        if let cached = regionScalers[key] {
            scaler = cached
        } else {
            if regionScalers.count >= 64 { regionScalers.removeAll() }
            scaler = try Scaler(width: regionWidth, height: regionHeight, from: layout.avFormat, to: AV_PIX_FMT_YUV420P)
            regionScalers[key] = scaler
        }
        let s = scratch.pointer
        try check(cffmpeg_scale_packed_region(
            scaler.pointer, source + ry0 * bytesPerRow + rx0 * layout.bytesPerPixel, Int32(bytesPerRow),
            Int32(regionHeight), cffmpeg_frame_plane(s, 0), cffmpeg_frame_plane(s, 1), cffmpeg_frame_plane(s, 2),
            cffmpeg_frame_linesize(s, 0), cffmpeg_frame_linesize(s, 1), cffmpeg_frame_linesize(s, 2)), "sws_scale")
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let from = UnsafeRawPointer(cffmpeg_frame_plane(s, Int32(plane))!), fromStride = Int(cffmpeg_frame_linesize(s, Int32(plane)))
            let to = UnsafeMutableRawPointer(cffmpeg_frame_plane(frame, Int32(plane))!), toStride = Int(cffmpeg_frame_linesize(frame, Int32(plane)))
            let length = (x1 - x0) >> shift
            for y in (y0 >> shift)..<(y1 >> shift) {
                (to + y * toStride + (x0 >> shift)).copyMemory(
                    from: from + (y - (ry0 >> shift)) * fromStride + ((x0 - rx0) >> shift), byteCount: length)
            }
        }
    }
}
