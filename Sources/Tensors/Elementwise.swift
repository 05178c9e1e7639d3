/// Pooling and elementwise kernels on NCHW tensors.
public enum Elementwise {
    /// Max pooling, 3x3 window, stride 2, padding 1 where the padding counts as `-inf`
    /// (PyTorch `MaxPool2d(3, 2, 1)`): padded cells never win.
    ///
    /// - Parameter input: `[N, C, H, W]`.
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
                    // Horizontal maxima of one input row: rowMax[ox] = max(x[2ox-1], x[2ox], x[2ox+1]).
                    let rowMax = UnsafeMutablePointer<Float>.allocate(capacity: 3 * outWidth)
                    defer { rowMax.deallocate() }
                    let chunk = (planes + workers - 1) / workers
                    let first = worker * chunk, last = min(planes, first + chunk)
                    guard first < last else { return }
                    for p in first..<last {
                        let inPlane = srcBase + p * height * width
                        let outPlane = dstBase + p * outHeight * outWidth
                        for oy in 0..<outHeight {
                            let yLow = max(0, 2 * oy - 1), yHigh = min(height - 1, 2 * oy + 1)
                            let out = outPlane + oy * outWidth
                            for y in yLow...yHigh {
                                horizontalMax(inPlane + y * width, width: width, into: rowMax, outWidth: outWidth)
                                if y == yLow {
                                    out.update(from: rowMax, count: outWidth)
                                } else {
                                    for ox in 0..<outWidth { out[ox] = max(out[ox], rowMax[ox]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    @inline(__always)
    private static func horizontalMax(_ row: UnsafePointer<Float>, width: Int,
                                      into out: UnsafeMutablePointer<Float>, outWidth: Int) {
        // Centre and right neighbour, then the left neighbour (absent for ox = 0: -inf padding).
        for ox in 0..<outWidth {
            let x = 2 * ox
            out[ox] = x + 1 < width ? max(row[x], row[x + 1]) : row[x]
        }
        for ox in 1..<max(1, outWidth) {
            out[ox] = max(out[ox], row[2 * ox - 1])
        }
    }

    /// `max(0, x)` elementwise. - Returns: a tensor of the same shape. Cost: one pass.
    public static func relu(_ input: Tensor) -> Tensor {
        var output = input
        reluInPlace(&output)
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
