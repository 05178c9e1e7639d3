/// Kernels on rectangular regions ("crops") of square activation maps, for the incremental forward pass:
/// many observations whose activations equal a shared base map outside a small rectangle each.
///
/// Layout: a batch of crops is stored channel-major, `[C, N, height, width]` ("CNHW"), so that one GEMM over
/// all crops writes the next layer's crops directly. A crop's position in its map is its `origin`.
public enum RegionKernels {
    /// Top-left corner of a crop or window in map coordinates (may be negative for windows that reach into
    /// the padding).
    public struct Origin: Hashable, Sendable {
        public var y: Int
        public var x: Int
        public init(y: Int, x: Int) { self.y = y; self.x = x }
    }

    /// Builds windows `[C, N, windowHeight, windowWidth]`: window `n` at `windows[n]` reads crop `n` where it
    /// overlaps the crop, the base map elsewhere inside the map, and `fill` outside the map (zero padding
    /// for convolutions, `-inf` for max pooling).
    ///
    /// - Parameters:
    ///   - crops: `[C, N, cropHeight, cropWidth]`, crop `n` at `cropOrigins[n]` (inside the map).
    ///   - cropOrigins: top-left corner of each crop in the map, one per window.
    ///   - cropHeight: crop rows.
    ///   - cropWidth: crop columns.
    ///   - base: `[C, side, side]`, the shared map.
    ///   - side: map side (height and width).
    ///   - channels: `C`, for crops, base and windows alike.
    ///   - windows: top-left corner of each window in the map; `N` is its count.
    ///   - windowHeight: window rows.
    ///   - windowWidth: window columns.
    ///   - fill: the value of window elements outside the map.
    ///   - out: room for `C · N · windowHeight · windowWidth` floats.
    ///
    /// Cost: one write per window element; every inner step is a contiguous copy or fill.
    public static func gather(crops: UnsafePointer<Float>, cropOrigins: [Origin], cropHeight: Int, cropWidth: Int,
                              base: UnsafePointer<Float>, side: Int, channels: Int,
                              windows: [Origin], windowHeight: Int, windowWidth: Int, fill: Float,
                              into out: UnsafeMutablePointer<Float>) {
        gather(crops: crops, cropOrigins: cropOrigins, cropHeight: cropHeight, cropWidth: cropWidth,
               bases: Array(repeating: base, count: windows.count), side: side, channels: channels, windows: windows,
               windowHeight: windowHeight, windowWidth: windowWidth, fill: fill, into: out)
    }

    /// `gather` with a base map of its own per window (`bases[n]`, `[C, side, side]` each): for crops of
    /// different observations that each differ from their own earlier activations (episodes step by step).
    public static func gather(crops: UnsafePointer<Float>, cropOrigins: [Origin], cropHeight: Int, cropWidth: Int,
                              bases: [UnsafePointer<Float>], side: Int, channels: Int,
                              windows: [Origin], windowHeight: Int, windowWidth: Int, fill: Float,
                              into out: UnsafeMutablePointer<Float>) {
        let count = windows.count
        precondition(cropOrigins.count == count && bases.count == count, "one crop and one base per window")
        let cropSize = cropHeight * cropWidth, windowSize = windowHeight * windowWidth
        for c in 0..<channels {
            for n in 0..<count {
                let plane = bases[n] + c * side * side
                let window = windows[n], crop = cropOrigins[n]
                let cropPlane = crops + (c * count + n) * cropSize
                let outPlane = out + (c * count + n) * windowSize
                // Columns of the window inside the map, and inside the crop.
                let mapX0 = max(0, window.x), mapX1 = min(side, window.x + windowWidth)
                let cropX0 = max(mapX0, crop.x), cropX1 = min(mapX1, crop.x + cropWidth)
                for wy in 0..<windowHeight {
                    let row = outPlane + wy * windowWidth
                    let sy = window.y + wy
                    guard sy >= 0, sy < side, mapX0 < mapX1 else {
                        row.update(repeating: fill, count: windowWidth)
                        continue
                    }
                    if mapX0 > window.x { row.update(repeating: fill, count: mapX0 - window.x) }
                    if mapX1 < window.x + windowWidth {
                        (row + (mapX1 - window.x)).update(repeating: fill, count: window.x + windowWidth - mapX1)
                    }
                    (row + (mapX0 - window.x)).update(from: plane + sy * side + mapX0, count: mapX1 - mapX0)
                    if sy >= crop.y, sy < crop.y + cropHeight, cropX0 < cropX1 {
                        (row + (cropX0 - window.x)).update(from: cropPlane + (sy - crop.y) * cropWidth + (cropX0 - crop.x),
                                                           count: cropX1 - cropX0)
                    }
                }
            }
        }
    }

    /// Writes `crops` (`[C, N, cropHeight, cropWidth]` at `cropOrigins`) into full maps: `out` is
    /// `[N, C, side, side]` (NCHW) and already holds whatever belongs outside the crops.
    public static func paste(crops: UnsafePointer<Float>, cropOrigins: [Origin], cropHeight: Int, cropWidth: Int,
                             channels: Int, side: Int, into out: UnsafeMutablePointer<Float>) {
        paste(crops: crops, cropOrigins: cropOrigins, cropHeight: cropHeight, cropWidth: cropWidth, channels: channels,
              side: side, into: cropOrigins.indices.map { out + $0 * channels * side * side })
    }

    /// `paste` into maps anywhere: crop `n` goes into `maps[n]` (`[C, side, side]`).
    public static func paste(crops: UnsafePointer<Float>, cropOrigins: [Origin], cropHeight: Int, cropWidth: Int,
                             channels: Int, side: Int, into maps: [UnsafeMutablePointer<Float>]) {
        let count = cropOrigins.count, cropSize = cropHeight * cropWidth, plane = side * side
        precondition(maps.count == count, "one map per crop")
        for c in 0..<channels {
            for n in 0..<count {
                let origin = cropOrigins[n]
                let src = crops + (c * count + n) * cropSize
                let dst = maps[n] + c * plane + origin.y * side + origin.x
                for y in 0..<cropHeight { (dst + y * side).update(from: src + y * cropWidth, count: cropWidth) }
            }
        }
    }

    /// The inverse of `paste`: reads crops `[C, N, cropHeight, cropWidth]` out of full NCHW maps.
    public static func extract(from maps: UnsafePointer<Float>, cropOrigins: [Origin], cropHeight: Int, cropWidth: Int,
                               channels: Int, side: Int, into out: UnsafeMutablePointer<Float>) {
        let count = cropOrigins.count, cropSize = cropHeight * cropWidth, plane = side * side
        for c in 0..<channels {
            for n in 0..<count {
                let origin = cropOrigins[n]
                let src = maps + (n * channels + c) * plane + origin.y * side + origin.x
                let dst = out + (c * count + n) * cropSize
                for y in 0..<cropHeight { (dst + y * cropWidth).update(from: src + y * side, count: cropWidth) }
            }
        }
    }

    /// "Valid" 3x3 convolution of windows: `[C, N, h + 2, w + 2]` → `[O, N, h, w]` (CNHW in and out), through
    /// im2col (`[C·9, N·h·w]`) and one `cblas_sgemm` with the weights `[O, C·9]` (OIHW flattened).
    ///
    /// Cost: `2·O·C·9·N·h·w` FLOP on the calling thread; scratch `C·9·N·h·w` floats (`columns`).
    public static func validConvolution3x3(windows: UnsafePointer<Float>, channels: Int, count: Int, height: Int, width: Int,
                                           weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels: Int,
                                           columns: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let windowHeight = height + 2, windowWidth = width + 2
        let pixels = height * width, total = count * pixels
        if total == 0 { return }
        for c in 0..<channels {
            for ky in 0..<3 {
                for kx in 0..<3 {
                    let rowBase = columns + (c * 9 + ky * 3 + kx) * total
                    for n in 0..<count {
                        let window = windows + (c * count + n) * windowHeight * windowWidth + ky * windowWidth + kx
                        let dst = rowBase + n * pixels
                        for y in 0..<height { (dst + y * width).update(from: window + y * windowWidth, count: width) }
                    }
                }
            }
        }
        for o in 0..<outChannels { (out + o * total).update(repeating: bias[o], count: total) }
        ComputeThreads.configureBLAS()
        // Column slices for OpenBLAS's unpacked small-matrix kernel, as in `Convolution.conv3x3`.
        let slice = Convolution.smallMatrixSlice(outChannels: outChannels, depth: channels * 9, pixels: total)
        var p0 = 0
        while p0 < total {
            let n = min(slice, total - p0)
            matrixMultiply(m: outChannels, n: n, k: channels * 9, a: weight, lda: channels * 9,
                           b: columns + p0, ldb: total, transposeB: false, c: out + p0, ldc: total, beta: 1)
            p0 += n
        }
    }

    /// "Valid" 3x3 max pooling with stride 2 of windows: `[C, N, 2h + 1, 2w + 1]` → `[C, N, h, w]`.
    /// Windows gathered with `-inf` outside the map give PyTorch's `MaxPool2d(3, 2, 1)` exactly.
    public static func validMaxPool3x3Stride2(windows: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                                              into out: UnsafeMutablePointer<Float>) {
        let windowHeight = 2 * height + 1, windowWidth = 2 * width + 1
        for p in 0..<planes {
            let src = windows + p * windowHeight * windowWidth
            let dst = out + p * height * width
            for y in 0..<height {
                let r0 = src + 2 * y * windowWidth, r1 = r0 + windowWidth, r2 = r1 + windowWidth
                for x in 0..<width {
                    let i = 2 * x
                    let a = max(max(r0[i], r0[i + 1]), r0[i + 2])
                    let b = max(max(r1[i], r1[i + 1]), r1[i + 2])
                    let c = max(max(r2[i], r2[i + 1]), r2[i + 2])
                    dst[y * width + x] = max(max(a, b), c)
                }
            }
        }
    }
}
