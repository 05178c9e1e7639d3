import Dispatch
import Foundation
import Tensors

extension ImpalaNetwork {
    /// Images per trunk call inside a worker: small enough that a chunk's activations stay in cache.
    var trunkChunk: Int { max(1, 4 / max(1, scale)) }

    /// Runs the convolutional trunk with the batch split across the worker threads: each worker takes a
    /// contiguous share of the images and runs them `trunkChunk` at a time with single-threaded kernels,
    /// which keeps every activation in cache. Only valid when every edit is batch-independent.
    /// Captures at trunk sites are concatenated back into `[N, ...]` in batch order.
    /// - Returns: the `embedder.flatten_out` activations, `[N, 32·scale·64]`.
    func shardedTrunk(_ input: Tensor, _ sites: inout SiteHooks) throws -> Tensor {
        let batch = input.shape[0]
        let workers = min(ComputeThreads.workerCount, batch)
        let chunk = trunkChunk
        let results = ChunkResults(count: (batch + chunk - 1) / chunk)
        let template = SiteHooks(captures: sites.captures, edits: sites.edits)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let first = batch * worker / workers, end = batch * (worker + 1) / workers
            var start = first
            while start < end {
                // Chunks are aligned to `chunk` so their index is stable whatever the worker split.
                let stop = min(end, (start / chunk + 1) * chunk)
                var local = template
                do {
                    let flat = try trunk(input.batchSlice(start..<stop), &local, parallel: false)
                    results.store(index: start / chunk, start: start,
                                  value: ChunkResult(flat: flat, captured: local.captured))
                } catch {
                    results.fail(error)
                    return
                }
                start = stop
            }
        }
        let chunks = try results.ordered()
        for name in chunks.first?.captured.keys.sorted() ?? [] {
            sites.captured[name] = Tensor.concatenatingBatches(chunks.map { $0.captured[name]! })
        }
        return Tensor.concatenatingBatches(chunks.map(\.flat))
    }
}

struct ChunkResult: @unchecked Sendable {
    var flat: Tensor
    var captured: [String: Tensor]
}

/// Per-chunk outputs written by the workers, kept in batch order.
private final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(start: Int, value: ChunkResult)] = []
    private var error: Error?

    init(count: Int) { slots.reserveCapacity(count) }

    func store(index: Int, start: Int, value: ChunkResult) {
        lock.lock()
        slots.append((start, value))
        lock.unlock()
    }

    func fail(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    func ordered() throws -> [ChunkResult] {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        return slots.sorted { $0.start < $1.start }.map(\.value)
    }
}
