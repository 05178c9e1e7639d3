/// Pooling and elementwise kernels on NCHW tensors.
public enum Elementwise {
    /// Max pooling, 3x3 window, stride 2, padding 1 where the padding counts as `-inf`
    /// (PyTorch `MaxPool2d(3, 2, 1)`): padded cells never win.
    ///
    /// - Parameters:
    ///   - input: `[N, C, H, W]`.
    ///   - parallel: split the planes across the worker threads (default); `false` runs on the calling thread.
    /// - Returns: `[N, C, (H - 1) / 2 + 1, (W - 1) / 2 + 1]` (`[N, C, H/2, W/2]` for even sizes).
    ///
    /// Cost: about `9·N·C·H·W/4` comparisons; planes are split across the worker threads.
    public static func maxPool3x3Stride2(_ input: Tensor, parallel: Bool = true) -> Tensor {
        precondition(input.rank == 4, "maxPool input must be [N, C, H, W], got \(input.shape)")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = (height - 1) / 2 + 1, outWidth = (width - 1) / 2 + 1
        var output = Tensor(uninitialized: [batch, channels, outHeight, outWidth])
        let planes = batch * channels
        if planes == 0 || height == 0 || width == 0 { return output }
        input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                let srcBase = src.baseAddress!
                nonisolated(unsafe) let dstBase = dst.baseAddress!
                ComputeThreads.forEachWorker(units: planes, parallel: parallel) { worker, workers in
                    // Vertical maximum of the (up to) 3 input rows of an output row, over the full width.
                    let columnMax = UnsafeMutablePointer<Float>.allocate(capacity: width)
                    defer { columnMax.deallocate() }
                    let chunk = (planes + workers - 1) / workers
                    let first = worker * chunk, last = min(planes, first + chunk)
                    guard first < last else { return }
                    for p in first..<last {
                        let inPlane = srcBase + p * height * width
                        let outPlane = dstBase + p * outHeight * outWidth
                        for oy in 0..<outHeight {
                            let yLow = max(0, 2 * oy - 1), yHigh = min(height - 1, 2 * oy + 1)
                            columnMax.update(from: inPlane + yLow * width, count: width)
                            if yLow < yHigh {
                                for y in (yLow + 1)...yHigh {
                                    let row = inPlane + y * width
                                    for x in 0..<width { columnMax[x] = max(columnMax[x], row[x]) }
                                }
                            }
                            horizontalMax(columnMax, width: width, into: outPlane + oy * outWidth, outWidth: outWidth)
                        }
                    }
                }
            }
        }
        return output
    }

    /// `out[ox] = max(row[2ox-1], row[2ox], row[2ox+1])`, skipping indices outside the row (-inf padding).
    @inline(__always)
    private static func horizontalMax(_ row: UnsafePointer<Float>, width: Int,
                                      into out: UnsafeMutablePointer<Float>, outWidth: Int) {
        out[0] = width > 1 ? max(row[0], row[1]) : row[0]
        let interior = max(0, (width - 2) / 2) // the last ox with 2ox+1 < width
        if interior >= 1 {
            for ox in 1...interior { out[ox] = max(max(row[2 * ox - 1], row[2 * ox]), row[2 * ox + 1]) }
        }
        if outWidth - 1 > interior, outWidth > 1 { // odd width: the last window has no right neighbour
            let ox = outWidth - 1
            out[ox] = max(row[2 * ox - 1], row[2 * ox])
        }
    }

    /// `max(0, x)` elementwise. - Returns: a tensor of the same shape. Cost: one pass.
    public static func relu(_ input: Tensor) -> Tensor {
        var output = Tensor(uninitialized: input.shape)
        input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for i in 0..<dst.count { d[i] = max(0, s[i]) }
            }
        }
        return output
    }

    /// `x = max(0, x)` elementwise, in place. Cost: one pass.
    public static func reluInPlace(_ tensor: inout Tensor) {
        tensor.withUnsafeMutableBufferPointer { buffer in
            let n = buffer.count
            guard let base = buffer.baseAddress else { return }
            for i in 0..<n { base[i] = max(0, base[i]) }
        }
    }

    /// `a += b` elementwise for tensors of equal shape (the residual add). Cost: one pass.
    public static func addInPlace(_ a: inout Tensor, _ b: Tensor) {
        precondition(a.shape == b.shape, "cannot add shape \(b.shape) to \(a.shape)")
        b.withUnsafeBufferPointer { src in
            a.withUnsafeMutableBufferPointer { dst in
                let n = dst.count
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                for i in 0..<n { d[i] += s[i] }
            }
        }
    }
}
