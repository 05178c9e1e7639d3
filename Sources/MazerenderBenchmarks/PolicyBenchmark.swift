import Dispatch
import ImpalaPolicy
import Tensors

/// One throughput measurement of the policy's forward pass.
public struct PolicyBenchmarkResult: Sendable, Codable, Equatable {
    /// Network width multiplier (1: 16/32/32 channels, 4: the published 64/128/128).
    public var scale: Int
    /// Observations per forward call.
    public var batch: Int
    /// Median observations per second over the repeats.
    public var observationsPerSecond: Double
    /// Median arithmetic rate, in GFLOP/s.
    public var gigaflopsPerSecond: Double
}

/// Measures the forward-pass throughput of random-weight IMPALA networks (logits, log-softmax, value; no
/// captures or patches), the figures the issue compares with PyTorch's CPU forward pass.
///
/// - Parameters:
///   - scales: network scales to build (default 1 and 4).
///   - batches: batch sizes (default 1, 64 and 256).
///   - repeats: timed repeats per configuration; the median is reported. Each repeat runs at least
///     64 observations (so batch 1 is timed over 64 calls). One untimed warm-up call precedes them.
/// - Returns: one result per (scale, batch), scales outermost.
public func benchmarkPolicyForward(scales: [Int] = [1, 4], batches: [Int] = [1, 64, 256],
                                   repeats: Int = 5) throws -> [PolicyBenchmarkResult] {
    var results: [PolicyBenchmarkResult] = []
    for scale in scales {
        let network = ImpalaNetwork.randomlyInitialized(scale: scale, seed: 0)
        var generator = SeededGenerator(seed: 1)
        for batch in batches {
            var input = generator.uniformTensor(shape: [batch, 3, 64, 64], bound: 0.5)
            for i in 0..<input.count { input.scalars[i] += 0.5 }
            _ = try network.forward(input)
            let calls = max(1, 64 / batch)
            var rates: [Double] = []
            for _ in 0..<max(1, repeats) {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<calls { _ = try network.forward(input) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                rates.append(Double(batch * calls) / seconds)
            }
            let median = rates.sorted()[rates.count / 2]
            results.append(PolicyBenchmarkResult(
                scale: scale, batch: batch, observationsPerSecond: median,
                gigaflopsPerSecond: median * Double(network.flopsPerObservation) / 1e9))
        }
    }
    return results
}
