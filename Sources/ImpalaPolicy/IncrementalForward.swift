import Dispatch
import Foundation
import Tensors

extension ImpalaNetwork {
    /// The convolutional trunk for a batch whose observations equal a shared base image outside a small
    /// rectangle each (a vector field: one maze, the mouse moved). The base image runs once the ordinary way;
    /// each other observation recomputes, layer by layer, only the rectangle its changed pixels can reach
    /// (one pixel more per 3x3 convolution, `o = i / 2 ... i / 2 + 1` through each stride-2 pool), reading
    /// the base activations around it. Where the rectangle covers the map, the crop is the whole map and the
    /// computation is the ordinary one. Observations of one rectangle size run together, so the GEMMs stay
    /// large; chunks of them run on all workers, each single-threaded.
    ///
    /// Edits at trunk sites must be element-wise (`ActivationEdit.elementwise`): they are applied to the
    /// base and, embedded in a full map, to every crop. Captures are rebuilt as full maps.
    /// - Returns: the `embedder.flatten_out` activations `[N, 32·scale·64]`, after that site's edits.
    func incrementalTrunk(_ input: Tensor, plan: IncrementalPlan, _ sites: inout SiteHooks) throws -> Tensor {
        let batch = input.shape[0]
        let flatLabel = "embedder.flatten_out"
        let features = channels[2] * 64
        var trunkHooks = SiteHooks(captures: sites.captures, edits: sites.edits)
        trunkHooks.captures[flatLabel] = nil
        trunkHooks.edits[flatLabel] = nil

        // The base image, every trunk site kept (after its edits).
        var baseHooks = SiteHooks(captures: [:], edits: trunkHooks.edits)
        for label in Self.trunkSites { baseHooks.captures[label] = [label] }
        let baseFlat = try trunk(plan.base, &baseHooks, parallel: true)
        let baseActivations = baseHooks.captured
        let store = ActivationStore(network: self)
        for label in Self.trunkSites { store.write(label, slot: 0, from: baseActivations[label]!, row: 0) }
        let baseSlots = [Int](repeating: 0, count: batch)

        let outputs = IncrementalOutputs(batch: batch, features: features,
                                         captures: trunkHooks.captures.keys.filter { Self.trunkSites.contains($0) },
                                         shapeOf: { [batch] + (try! self.activationShape(of: $0)) })
        // Observations equal to the base image.
        for n in plan.unchanged {
            outputs.writeFlat(row: n, from: baseFlat.scalars, sourceRow: 0)
            for label in outputs.labels { outputs.writeCapture(label, row: n, from: baseActivations[label]!.scalars, sourceRow: 0) }
        }
        // Observations whose change is too large: the ordinary trunk on the sub-batch.
        if !plan.ordinary.isEmpty {
            var subset = [Float]()
            subset.reserveCapacity(plan.ordinary.count * 3 * 64 * 64)
            for n in plan.ordinary { subset += input.scalars[(n * 12288)..<((n + 1) * 12288)] }
            var local = trunkHooks
            let flat = try trunk(Tensor(shape: [plan.ordinary.count, 3, 64, 64], scalars: subset), &local, parallel: true)
            for (k, n) in plan.ordinary.enumerated() {
                outputs.writeFlat(row: n, from: flat.scalars, sourceRow: k)
                for label in outputs.labels {
                    outputs.writeCapture(label, row: n, from: local.captured[trunkHooks.captures[label]![0]]!.scalars, sourceRow: k)
                }
            }
        }
        try runGroups(plan.groups, input: input, store: store, slots: baseSlots, writesBack: false, winograd: true,
                      hooks: trunkHooks, outputs: outputs)
        var flat = outputs.result(&sites)
        try sites.visit(flatLabel, &flat)
        return flat
    }

    /// Runs incremental `groups` in chunks (at most 32 members, enough chunks for every worker) on all
    /// workers, each chunk single-threaded; see `incrementalChunk` for `store`, `slots`, `writesBack` and
    /// `winograd`.
    /// - Throws: the first error a chunk threw.
    func runGroups(_ groups: [IncrementalGroup], input: Tensor, store: ActivationStore, slots: [Int], writesBack: Bool,
                   winograd: Bool, hooks: SiteHooks, outputs: IncrementalOutputs?) throws {
        var tasks: [(group: Int, range: Range<Int>)] = []
        let workers = ComputeThreads.workerCount
        for (g, group) in groups.enumerated() {
            let count = group.members.count
            let chunk = max(1, min(32, (count + workers - 1) / workers))
            var start = 0
            while start < count {
                tasks.append((g, start..<min(count, start + chunk)))
                start += chunk
            }
        }
        let next = TaskCounter()
        let allTasks = tasks
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, allTasks.count))) { _ in
            var scratch = [Float]() // GEMM operands, reused by this worker's chunks
            while let index = next.take(below: allTasks.count) {
                let task = allTasks[index]
                do {
                    try incrementalChunk(groups[task.group], task.range, input: input, store: store, slots: slots,
                                         writesBack: writesBack, winograd: winograd, hooks: hooks, outputs: outputs,
                                         scratch: &scratch)
                } catch {
                    next.fail(error)
                    return
                }
            }
        }
        try next.rethrow()
    }

    /// The trunk's spatial sites in forward order.
    static let trunkSites: [String] = Array(ActivationLabels.all.prefix { $0 != "embedder.flatten_out" })

}

/// Hands out task indices to the workers.
final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    private var error: Error?

    /// The next index below `limit`; nil when none is left or a task failed.
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit, error == nil else { return nil }
        next += 1
        return next - 1
    }

    /// Records a task's error (the first one is kept) and stops handing out tasks.
    func fail(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    func rethrow() throws {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
    }
}

/// The incremental trunk's results, written row by row by the workers (disjoint rows, so no lock for data).
final class IncrementalOutputs: @unchecked Sendable {
    let features: Int
    let labels: Set<String>
    private var flat: UnsafeMutablePointer<Float>
    private let batch: Int
    private var captures: [String: (pointer: UnsafeMutablePointer<Float>, shape: [Int])] = [:]
    init(batch: Int, features: Int, captures labels: [String], shapeOf: (String) -> [Int]) {
        self.batch = batch
        self.features = features
        self.labels = Set(labels)
        flat = .allocate(capacity: batch * features)
        for label in labels {
            let shape = shapeOf(label)
            captures[label] = (.allocate(capacity: shape.reduce(1, *)), shape)
        }
    }

    deinit {
        flat.deallocate()
        for (_, capture) in captures { capture.pointer.deallocate() }
    }

    func writeFlat(row: Int, from source: [Float], sourceRow: Int) {
        source.withUnsafeBufferPointer { src in
            (flat + row * self.features).update(from: src.baseAddress! + sourceRow * self.features, count: self.features)
        }
    }

    func writeCapture(_ label: String, row: Int, from source: [Float], sourceRow: Int) {
        guard let capture = captures[label] else { return }
        let size = capture.shape.dropFirst().reduce(1, *)
        source.withUnsafeBufferPointer { src in
            (capture.pointer + row * size).update(from: src.baseAddress! + sourceRow * size, count: size)
        }
    }

    /// The flat activations `[N, features]`; captures stored into `sites` under every requested name.
    func result(_ sites: inout SiteHooks) -> Tensor {
        for (label, capture) in captures {
            let value = Tensor(shape: capture.shape, scalars: Array(UnsafeBufferPointer(start: capture.pointer, count: capture.shape.reduce(1, *))))
            for name in sites.captures[label] ?? [] { sites.captured[name] = value }
        }
        return Tensor(shape: [batch, features], scalars: Array(UnsafeBufferPointer(start: flat, count: batch * features)))
    }
}
