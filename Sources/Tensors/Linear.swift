import Foundation

/// Fully connected layers and softmax over the last dimension.
public enum Dense {
    /// `y = x·Wᵀ + b` (PyTorch `Linear(in, out)`).
    ///
    /// - Parameters:
    ///   - input: `[N, in]` (any tensor whose trailing extents multiply to `in` is read as `[N, in]`).
    ///   - weight: `[out, in]`.
    ///   - bias: `[out]`.
    /// - Returns: `[N, out]`.
    ///
    /// Cost: `2·N·in·out` FLOP in `cblas_sgemm`, split across workers by rows of `x` (or by output
    /// features when `N` is smaller than the worker count).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
        precondition(weight.rank == 2, "linear weight must be [out, in], got \(weight.shape)")
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        precondition(bias.shape == [outFeatures], "linear bias must be [\(outFeatures)], got \(bias.shape)")
        let batch = input.shape.first ?? 0
        precondition(input.rank >= 1 && batch * inFeatures == input.count,
                     "linear input \(input.shape) is not [N, \(inFeatures)]")
        var output = Tensor(zeros: [batch, outFeatures])
        if batch == 0 || outFeatures == 0 { return output }
        let workers = ComputeThreads.workerCount
        let splitRows = batch >= workers
        let parts = min(workers, splitRows ? batch : outFeatures)
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { y in
                        let xBase = x.baseAddress!, wBase = w.baseAddress!, bBase = b.baseAddress!
                        nonisolated(unsafe) let yBase = y.baseAddress!
                        for row in 0..<batch {
                            (yBase + row * outFeatures).update(from: bBase, count: outFeatures)
                        }
                        ComputeThreads.forEachWorker(units: parts) { worker, workerCount in
                            let total = splitRows ? batch : outFeatures
                            let chunk = (total + workerCount - 1) / workerCount
                            let start = worker * chunk, end = min(total, start + chunk)
                            guard start < end else { return }
                            if splitRows {
                                matrixMultiply(m: end - start, n: outFeatures, k: inFeatures,
                                               a: xBase + start * inFeatures, lda: inFeatures,
                                               b: wBase, ldb: inFeatures, transposeB: true,
                                               c: yBase + start * outFeatures, ldc: outFeatures, beta: 1)
                            } else {
                                matrixMultiply(m: batch, n: end - start, k: inFeatures,
                                               a: xBase, lda: inFeatures,
                                               b: wBase + start * inFeatures, ldb: inFeatures, transposeB: true,
                                               c: yBase + start, ldc: outFeatures, beta: 1)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Log-softmax over the last dimension: `x - max - log(Σ exp(x - max))`.
    /// - Parameter input: `[..., K]`. - Returns: the same shape. Cost: `O(count)` with one `exp` per element.
    public static func logSoftmax(_ input: Tensor) -> Tensor {
        var output = input
        let k = input.shape.last ?? 0
        guard k > 0 else { return output }
        output.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for row in 0..<(buffer.count / k) {
                let x = base + row * k
                var top = -Float.infinity
                for i in 0..<k { top = max(top, x[i]) }
                var sum: Float = 0
                for i in 0..<k { sum += expf(x[i] - top) }
                let shift = top + logf(sum)
                for i in 0..<k { x[i] -= shift }
            }
        }
        return output
    }

    /// Softmax over the last dimension. - Parameter input: `[..., K]`. - Returns: the same shape.
    public static func softmax(_ input: Tensor) -> Tensor {
        var output = input
        let k = input.shape.last ?? 0
        guard k > 0 else { return output }
        output.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for row in 0..<(buffer.count / k) {
                let x = base + row * k
                var top = -Float.infinity
                for i in 0..<k { top = max(top, x[i]) }
                var sum: Float = 0
                for i in 0..<k {
                    x[i] = expf(x[i] - top)
                    sum += x[i]
                }
                for i in 0..<k { x[i] /= sum }
            }
        }
        return output
    }
}
