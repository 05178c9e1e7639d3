/// Turns packed RGB frames into 8-bit palette indices for GIF.
///
/// The palette is built by median cut over a 15-bit (5 bits per channel) colour histogram of the frame,
/// with at most 255 entries (one index stays free so the GIF encoder can use it as the transparent
/// colour for unchanged pixels). A frame with at most 255 histogram bins gets its colours exactly
/// (each entry is the mean of its bin). Pixels are mapped with Floyd–Steinberg error diffusion.
///
/// The palette is kept while it still represents new frames (every colour bin covering more than
/// 1/1000 of the pixels lies within 6 units per channel of an entry); otherwise it is rebuilt for that
/// frame, and the encoder writes a local colour table. Reusing one palette lets the encoder store only
/// changed rectangles.
///
/// Cost per frame: two passes over the pixels plus O(bins log bins) for a rebuild; ~4 ms at 1024x512.
struct PaletteQuantizer {
    /// 256 entries, native-endian 0xAARRGGBB words (what libavcodec's `pal8` expects in `data[1]`).
    private(set) var palette = [UInt32](repeating: 0xFF00_0000, count: 256)
    private var red = [Int32](), green = [Int32](), blue = [Int32]()
    /// 15-bit colour bin to palette index; -1 until computed.
    private var lookup = [Int16](repeating: -1, count: 1 << 15)
    private var histogram = [Int32](repeating: 0, count: 1 << 15)
    private var sums = [Int64](repeating: 0, count: 3 << 15)
    /// Whether the last `quantize` call replaced the palette.
    private(set) var paletteChanged = false

    private struct Bin { var key: Int32; var r: Int32; var g: Int32; var b: Int32; var count: Int32 }

    /// - Parameters:
    ///   - pixels: `height` rows of `bytesPerRow` bytes; each pixel B,G,R,A (`bytesPerPixel` 4) or R,G,B (3).
    ///   - indices: receives `height` rows of `width` palette indices, `indexStride` bytes apart.
    mutating func quantize(pixels: UnsafeRawBufferPointer, bytesPerRow: Int, bytesPerPixel: Int,
                           width: Int, height: Int, indices: UnsafeMutablePointer<UInt8>, indexStride: Int) {
        let redOffset = bytesPerPixel == 4 ? 2 : 0, blueOffset = bytesPerPixel == 4 ? 0 : 2
        // Pass 1: histogram.
        histogram.withUnsafeMutableBufferPointer { h in
            sums.withUnsafeMutableBufferPointer { s in
                for i in 0..<h.count { h[i] = 0 }
                for i in 0..<s.count { s[i] = 0 }
                for y in 0..<height {
                    let row = pixels.baseAddress! + y * bytesPerRow
                    for x in 0..<width {
                        let p = row + x * bytesPerPixel
                        let r = Int(p.load(fromByteOffset: redOffset, as: UInt8.self))
                        let g = Int(p.load(fromByteOffset: 1, as: UInt8.self))
                        let b = Int(p.load(fromByteOffset: blueOffset, as: UInt8.self))
                        let key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
                        h[key] += 1
                        s[3 * key] += Int64(r); s[3 * key + 1] += Int64(g); s[3 * key + 2] += Int64(b)
                    }
                }
            }
        }
        var bins = [Bin]()
        for key in 0..<histogram.count where histogram[key] > 0 {
            let n = Int64(histogram[key])
            bins.append(Bin(key: Int32(key), r: Int32(sums[3 * key] / n), g: Int32(sums[3 * key + 1] / n),
                            b: Int32(sums[3 * key + 2] / n), count: histogram[key]))
        }
        paletteChanged = red.isEmpty || !represents(bins, pixelCount: width * height)
        if paletteChanged { rebuild(from: &bins) }
        diffuse(pixels: pixels, bytesPerRow: bytesPerRow, bytesPerPixel: bytesPerPixel, redOffset: redOffset,
                blueOffset: blueOffset, width: width, height: height, indices: indices, indexStride: indexStride)
    }

    /// True when every bin holding more than 1/1000 of the pixels is within 6 per channel of an entry.
    private mutating func represents(_ bins: [Bin], pixelCount: Int) -> Bool {
        let significant = Int32(max(1, pixelCount / 1000))
        for bin in bins where bin.count >= significant {
            let index = Int(nearest(bin.key))
            let dr = bin.r - red[index], dg = bin.g - green[index], db = bin.b - blue[index]
            if dr * dr + dg * dg + db * db > 3 * 36 { return false }
        }
        return true
    }

    /// Median cut: split the box with the largest (longest side x sqrt(pixels)) at its weighted median.
    private mutating func rebuild(from bins: inout [Bin]) {
        struct Box { var range: Range<Int>; var axis: Int; var pixels: Int; var score: Double }
        func measure(_ range: Range<Int>) -> Box {
            var lowR: Int32 = 255, lowG: Int32 = 255, lowB: Int32 = 255, highR: Int32 = 0, highG: Int32 = 0
            var highB: Int32 = 0, pixels = 0
            for bin in bins[range] {
                lowR = min(lowR, bin.r); highR = max(highR, bin.r)
                lowG = min(lowG, bin.g); highG = max(highG, bin.g)
                lowB = min(lowB, bin.b); highB = max(highB, bin.b)
                pixels += Int(bin.count)
            }
            let lengths = [highR - lowR, highG - lowG, highB - lowB]
            let axis = lengths.firstIndex(of: lengths.max()!)!
            let score = range.count > 1 ? Double(lengths[axis]) * Double(pixels).squareRoot() : 0
            return Box(range: range, axis: axis, pixels: pixels, score: score)
        }
        var boxes = [measure(0..<bins.count)]
        while boxes.count < 255 {
            guard let best = boxes.indices.max(by: { boxes[$0].score < boxes[$1].score }),
                  boxes[best].score > 0 else { break }
            let box = boxes[best], range = box.range
            bins[range].sort { box.axis == 0 ? $0.r < $1.r : box.axis == 1 ? $0.g < $1.g : $0.b < $1.b }
            var cut = range.lowerBound, running = 0
            while cut < range.upperBound - 1 && running + Int(bins[cut].count) <= box.pixels / 2 {
                running += Int(bins[cut].count); cut += 1
            }
            cut = max(cut, range.lowerBound + 1)
            boxes[best] = measure(range.lowerBound..<cut)
            boxes.append(measure(cut..<range.upperBound))
        }
        red = []; green = []; blue = []
        for i in 0..<lookup.count { lookup[i] = -1 }
        for (index, box) in boxes.enumerated() {
            var r = 0, g = 0, b = 0, n = 0
            for bin in bins[box.range] {
                let c = Int(bin.count)
                r += Int(bin.r) * c; g += Int(bin.g) * c; b += Int(bin.b) * c; n += c
                lookup[Int(bin.key)] = Int16(index)
            }
            red.append(Int32(r / n)); green.append(Int32(g / n)); blue.append(Int32(b / n))
        }
        for i in 0..<256 {
            palette[i] = i < red.count
                ? 0xFF00_0000 | UInt32(red[i]) << 16 | UInt32(green[i]) << 8 | UInt32(blue[i]) : 0xFF00_0000
        }
    }

    /// The entry nearest a bin's centre, cached in `lookup`.
    private mutating func nearest(_ key: Int32) -> Int16 {
        let cached = lookup[Int(key)]
        if cached >= 0 { return cached }
        let found = PaletteQuantizer.nearestEntry(key, red: red, green: green, blue: blue)
        lookup[Int(key)] = found
        return found
    }

    /// Linear search over the entries for the one nearest the centre of 15-bit bin `key`. Cost: 256 steps.
    private static func nearestEntry<C: RandomAccessCollection<Int32>>(_ key: Int32, red: C, green: C, blue: C)
        -> Int16 where C.Index == Int {
        let r = (key >> 10) << 3 | 4, g = ((key >> 5) & 31) << 3 | 4, b = (key & 31) << 3 | 4
        var best: Int16 = 0, bestDistance = Int32.max
        for i in 0..<red.count {
            let dr = r - red[i], dg = g - green[i], db = b - blue[i]
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance { bestDistance = distance; best = Int16(i) }
        }
        return best
    }

    /// Pass 2: Floyd–Steinberg error diffusion (errors in 1/16 units), left to right, 7/16 right,
    /// 3/16 below left, 5/16 below, 1/16 below right.
    private mutating func diffuse(pixels: UnsafeRawBufferPointer, bytesPerRow: Int, bytesPerPixel: Int,
                                  redOffset: Int, blueOffset: Int, width: Int, height: Int,
                                  indices: UnsafeMutablePointer<UInt8>, indexStride: Int) {
        let rowLength = 3 * (width + 2)
        var errors = [Int32](repeating: 0, count: 2 * rowLength)
        let red = self.red, green = self.green, blue = self.blue
        red.withUnsafeBufferPointer { red in green.withUnsafeBufferPointer { green in
        blue.withUnsafeBufferPointer { blue in
        lookup.withUnsafeMutableBufferPointer { lookup in errors.withUnsafeMutableBufferPointer { errors in
            var current = errors.baseAddress!, next = current + rowLength
            for y in 0..<height {
                let row = pixels.baseAddress! + y * bytesPerRow
                let out = indices + y * indexStride
                next.update(repeating: 0, count: rowLength)
                for x in 0..<width {
                    let p = row + x * bytesPerPixel, e = 3 * (x + 1)
                    let r = min(255, max(0, Int32(p.load(fromByteOffset: redOffset, as: UInt8.self)) + current[e] / 16))
                    let g = min(255, max(0, Int32(p.load(fromByteOffset: 1, as: UInt8.self)) + current[e + 1] / 16))
                    let b = min(255, max(0, Int32(p.load(fromByteOffset: blueOffset, as: UInt8.self)) + current[e + 2] / 16))
                    let key = Int((r >> 3) << 10 | (g >> 3) << 5 | (b >> 3))
                    var index = Int(lookup[key])
                    if index < 0 {
                        let found = PaletteQuantizer.nearestEntry(Int32(key), red: red, green: green, blue: blue)
                        lookup[key] = found
                        index = Int(found)
                    }
                    out[x] = UInt8(index)
                    PaletteQuantizer.spread(r - red[index], current + e, next + e)
                    PaletteQuantizer.spread(g - green[index], current + e + 1, next + e + 1)
                    PaletteQuantizer.spread(b - blue[index], current + e + 2, next + e + 2)
                }
                swap(&current, &next)
            }
        } } } } }
    }

    /// Adds one channel's error to its right neighbour (7/16) and the three below (3/16, 5/16, 1/16).
    @inline(__always)
    private static func spread(_ error: Int32, _ current: UnsafeMutablePointer<Int32>,
                               _ next: UnsafeMutablePointer<Int32>) {
        if error == 0 { return }
        current[3] += error * 7
        next[-3] += error * 3
        next[0] += error * 5
        next[3] += error
    }
}
