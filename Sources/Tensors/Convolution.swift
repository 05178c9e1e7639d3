/// Convolution kernels.
public enum Convolution {
    /// 3x3 convolution, stride 1, zero padding 1 (PyTorch `Conv2d(C, O, 3, 1, 1)`).
    ///
    /// - Parameters:
    ///   - input: `[N, C, H, W]`.
    ///   - weight: `[O, C, 3, 3]` (OIHW, as PyTorch stores it).
    ///   - bias: `[O]`.
    ///   - parallel: split the work across the worker threads (default); `false` runs on the calling thread.
    /// - Returns: `[N, O, H, W]`.
    ///
    /// Cost: `2·N·O·C·9·H·W` FLOP in `cblas_sgemm` plus an im2col copy of `N·C·9·H·W` floats. Work is split
    /// by image across the worker threads, and by image rows when there are fewer images than workers.
    /// Scratch: one `[C·9, H·W / parts]` column buffer per worker. With `parallel: false` everything runs
    /// on the calling thread (for callers that already split a batch across threads).
    public static func conv3x3(_ input: Tensor, weight: Tensor, bias: Tensor, parallel: Bool = true) -> Tensor {
        precondition(input.rank == 4, "conv3x3 input must be [N, C, H, W], got \(input.shape)")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        precondition(weight.shape == [outChannels, channels, 3, 3],
                     "conv3x3 weight must be [O, \(channels), 3, 3], got \(weight.shape)")
        precondition(bias.shape == [outChannels], "conv3x3 bias must be [\(outChannels)], got \(bias.shape)")
        var output = Tensor(uninitialized: [batch, outChannels, height, width])
        if batch == 0 || height == 0 || width == 0 { return output }

        let workers = parallel ? ComputeThreads.workerCount : 1
        let rowParts = batch >= workers ? 1 : min(height, (workers + batch - 1) / batch)
        let rowsPerPart = (height + rowParts - 1) / rowParts
        let units = batch * rowParts
        let depth = channels * 9
        let plane = height * width
        let inputImage = channels * plane
        let outputImage = outChannels * plane

        input.withUnsafeBufferPointer { src in
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { dst in
                        let srcBase = src.baseAddress!, wBase = w.baseAddress!, bBase = b.baseAddress!
                        nonisolated(unsafe) let dstBase = dst.baseAddress!
                        ComputeThreads.forEachWorker(units: units, parallel: parallel) { worker, workerCount in
                            let columns = UnsafeMutablePointer<Float>.allocate(capacity: depth * rowsPerPart * width)
                            defer { columns.deallocate() }
                            var unit = worker
                            while unit < units {
                                let image = unit / rowParts, part = unit % rowParts
                                let y0 = part * rowsPerPart, y1 = min(height, y0 + rowsPerPart)
                                if y0 < y1 {
                                    let pixels = (y1 - y0) * width
                                    im2col(srcBase + image * inputImage, channels: channels, height: height,
                                           width: width, rows: y0..<y1, into: columns)
                                    let out = dstBase + image * outputImage + y0 * width
                                    for o in 0..<outChannels {
                                        (out + o * plane).update(repeating: bBase[o], count: pixels)
                                    }
                                    // Column slices small enough for OpenBLAS's unpacked small-matrix
                                    // kernel (it skips copying the operands when m·n·k ≤ 10⁶).
                                    let slice = smallMatrixSlice(outChannels: outChannels, depth: depth, pixels: pixels)
                                    var p0 = 0
                                    while p0 < pixels {
                                        let count = min(slice, pixels - p0)
                                        matrixMultiply(m: outChannels, n: count, k: depth, a: wBase, lda: depth,
                                                       b: columns + p0, ldb: pixels, transposeB: false,
                                                       c: out + p0, ldc: plane, beta: 1)
                                        p0 += count
                                    }
                                }
                                unit += workerCount
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Pixels per GEMM call: all of them, unless slicing keeps `O·K·pixels` under OpenBLAS's small-matrix
    /// threshold with slices of at least 64 pixels.
    static func smallMatrixSlice(outChannels: Int, depth: Int, pixels: Int) -> Int {
        let limit = 1_000_000 / max(1, outChannels * depth)
        return limit >= 64 ? min(pixels, limit / 64 * 64) : pixels
    }

    /// Lays out the 3x3 neighbourhoods of output rows `rows` of one `[C, H, W]` image as a
    /// `[C·9, rows.count·W]` matrix (row `c·9 + ky·3 + kx`), zeros where the window leaves the image.
    /// Every inner step is a contiguous copy or fill of up to `W` floats.
    static func im2col(_ image: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                       rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let pixels = rows.count * width
        for c in 0..<channels {
            let plane = image + c * height * width
            for ky in 0..<3 {
                for kx in 0..<3 {
                    let rowBase = columns + (c * 9 + ky * 3 + kx) * pixels
                    for y in rows {
                        let dst = rowBase + (y - rows.lowerBound) * width
                        let sy = y + ky - 1
                        if sy < 0 || sy >= height {
                            dst.update(repeating: 0, count: width)
                            continue
                        }
                        let srcRow = plane + sy * width
                        switch kx {
                        case 0:
                            dst[0] = 0
                            (dst + 1).update(from: srcRow, count: width - 1)
                        case 1:
                            dst.update(from: srcRow, count: width)
                        default:
                            dst.update(from: srcRow + 1, count: width - 1)
                            dst[width - 1] = 0
                        }
                    }
                }
            }
        }
    }
}
