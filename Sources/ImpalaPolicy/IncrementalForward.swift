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
        // The incremental groups, in chunks over the workers.
        var tasks: [(group: Int, range: Range<Int>)] = []
        let workers = ComputeThreads.workerCount
        for (g, group) in plan.groups.enumerated() {
            let count = group.members.count
            let chunk = max(1, min(32, (count + workers - 1) / workers))
            var start = 0
            while start < count {
                tasks.append((g, start..<min(count, start + chunk)))
                start += chunk
            }
        }
        let next = TaskCounter()
        let hooks = trunkHooks, allTasks = tasks
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, allTasks.count))) { _ in
            var scratch = [Float]() // GEMM operands, reused by this worker's chunks
            while let index = next.take(below: allTasks.count) {
                let task = allTasks[index]
                do {
                    try incrementalChunk(plan.groups[task.group], task.range, input: input, base: baseActivations,
                                         hooks: hooks, outputs: outputs, scratch: &scratch)
                } catch {
                    outputs.fail(error)
                    return
                }
            }
        }
        var flat = try outputs.result(&sites)
        try sites.visit(flatLabel, &flat)
        return flat
    }

    /// The trunk's spatial sites in forward order.
    static let trunkSites: [String] = Array(ActivationLabels.all.prefix { $0 != "embedder.flatten_out" })

    /// Runs members `range` of `group` through the trunk on the calling thread.
    private func incrementalChunk(_ group: IncrementalGroup, _ range: Range<Int>, input: Tensor, base: [String: Tensor],
                                  hooks: SiteHooks, outputs: IncrementalOutputs, scratch: inout [Float]) throws {
        let members = Array(group.members[range])
        let count = members.count
        func stage(_ s: Int) -> StagePlan {
            var plan = group.stages[s]
            plan.origins = Array(plan.origins[range])
            return plan
        }
        // Stage 0: the changed part of each observation, read from the observation itself.
        let first = stage(0)
        let cropSize = first.height * first.width
        var x = [Float](repeating: 0, count: 3 * count * cropSize)
        input.withUnsafeBufferPointer { src in
            x.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for (k, n) in members.enumerated() {
                        let origin = first.origins[k]
                        let map = src.baseAddress! + (n * 3 + c) * 4096 + origin.y * 64 + origin.x
                        let crop = dst.baseAddress! + (c * count + k) * cropSize
                        for y in 0..<first.height { (crop + y * first.width).update(from: map + y * 64, count: first.width) }
                    }
                }
            }
        }
        var current = (values: x, plan: first)
        try visit("embedder.block1.conv_in0", &current.values, current.plan, members, base, hooks, outputs)
        var previousLabel = "embedder.block1.conv_in0"

        for (b, block) in blocks.enumerated() {
            let name = "embedder.block\(b + 1)"
            let s = 1 + 6 * b
            // Stem convolution, then pooling.
            var conv = (values: convolve(current, base: base[previousLabel]!, block.conv, to: stage(s), &scratch), plan: stage(s))
            try visit("\(name).conv_out", &conv.values, conv.plan, members, base, hooks, outputs)
            var pooled = (values: maxPool(conv, base: base["\(name).conv_out"]!, to: stage(s + 1)), plan: stage(s + 1))
            try visit("\(name).maxpool_out", &pooled.values, pooled.plan, members, base, hooks, outputs)
            var blockInput = pooled
            var blockInputLabel = "\(name).maxpool_out"
            for (r, residual) in [block.res1, block.res2].enumerated() {
                let res = "\(name).res\(r + 1)"
                var relu1 = blockInput
                relu(&relu1.values)
                try visit("\(res).relu1_out", &relu1.values, relu1.plan, members, base, hooks, outputs)
                var conv1 = (values: convolve(relu1, base: base["\(res).relu1_out"]!, residual.conv1, to: stage(s + 2 + 2 * r), &scratch),
                             plan: stage(s + 2 + 2 * r))
                try visit("\(res).conv1_out", &conv1.values, conv1.plan, members, base, hooks, outputs)
                relu(&conv1.values)
                try visit("\(res).relu2_out", &conv1.values, conv1.plan, members, base, hooks, outputs)
                var conv2 = (values: convolve(conv1, base: base["\(res).relu2_out"]!, residual.conv2, to: stage(s + 3 + 2 * r), &scratch),
                             plan: stage(s + 3 + 2 * r))
                try visit("\(res).conv2_out", &conv2.values, conv2.plan, members, base, hooks, outputs)
                // The residual: the block input over conv2's crop (its own crop lies inside it).
                let skip = gathered(blockInput, base: base[blockInputLabel]!, windows: conv2.plan.origins,
                                    height: conv2.plan.height, width: conv2.plan.width, fill: 0)
                conv2.values.withUnsafeMutableBufferPointer { sum in
                    skip.withUnsafeBufferPointer { skip in
                        for i in sum.indices { sum[i] += skip[i] }
                    }
                }
                try visit("\(res).resadd_out", &conv2.values, conv2.plan, members, base, hooks, outputs)
                blockInput = conv2
                blockInputLabel = "\(res).resadd_out"
            }
            current = blockInput
            previousLabel = blockInputLabel
        }
        relu(&current.values)
        try visit("embedder.relu3_out", &current.values, current.plan, members, base, hooks, outputs)
        // Flatten: the crops pasted onto the base's final map.
        let full = fullMaps(current.values, current.plan, base: base["embedder.relu3_out"]!, count: count)
        for (k, n) in members.enumerated() { outputs.writeFlat(row: n, from: full, sourceRow: k) }
    }

    /// Convolutions with even crops and at least `winogradMinimumChannels` input channels use Winograd
    /// F(2x2, 3x3); narrower ones (the transforms would cost more than the products saved) and odd crops use
    /// im2col + GEMM.
    static func usesWinograd(inputChannels: Int, target: StagePlan) -> Bool {
        winogradEnabled && target.height % 2 == 0 && target.width % 2 == 0 && inputChannels >= winogradMinimumChannels
    }

    /// Switch for measurements (`MAZERENDER_WINOGRAD=0` turns the fast convolution off).
    static let winogradEnabled = ProcessInfo.processInfo.environment["MAZERENDER_WINOGRAD"] != "0"
    static let winogradMinimumChannels = 16

    private func relu(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = max(0, buffer[i]) }
        }
    }

    /// Windows over `crops` (base elsewhere, `fill` outside the map), `[C, N, height, width]`.
    private func gathered(_ crops: (values: [Float], plan: StagePlan), base: Tensor, windows: [RegionKernels.Origin],
                          height: Int, width: Int, fill: Float) -> [Float] {
        let plan = crops.plan
        return [Float](unsafeUninitializedCapacity: plan.channels * windows.count * height * width) { out, initialized in
            crops.values.withUnsafeBufferPointer { c in
                base.withUnsafeBufferPointer { b in
                    RegionKernels.gather(crops: c.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                         cropWidth: plan.width, base: b.baseAddress!, side: plan.side, channels: plan.channels,
                                         windows: windows, windowHeight: height, windowWidth: width, fill: fill,
                                         into: out.baseAddress!)
                }
            }
            initialized = out.count
        }
    }

    /// A 3x3 convolution of `input`'s crops (base around them) onto the crops of `target`.
    private func convolve(_ input: (values: [Float], plan: StagePlan), base: Tensor, _ conv: Convolution,
                          to target: StagePlan, _ scratch: inout [Float]) -> [Float] {
        let windows = gathered(input, base: base, windows: target.origins.map { .init(y: $0.y - 1, x: $0.x - 1) },
                               height: target.height + 2, width: target.width + 2, fill: 0)
        let count = target.origins.count
        let winograd = Self.usesWinograd(inputChannels: input.plan.channels, target: target)
        let columns = winograd
            ? Winograd.scratchCount(channels: input.plan.channels, outChannels: target.channels, count: count,
                                    height: target.height, width: target.width)
            : input.plan.channels * 9 * count * target.height * target.width
        if scratch.count < columns { scratch = [Float](repeating: 0, count: columns) }
        return [Float](unsafeUninitializedCapacity: target.channels * count * target.height * target.width) { out, initialized in
            if winograd {
                windows.withUnsafeBufferPointer { w in
                    conv.winogradWeight.withUnsafeBufferPointer { weight in
                        conv.bias.withUnsafeBufferPointer { bias in
                            scratch.withUnsafeMutableBufferPointer { scratch in
                                Winograd.validConvolution3x3(
                                    windows: w.baseAddress!, channels: input.plan.channels, count: count,
                                    height: target.height, width: target.width, transformedWeight: weight.baseAddress!,
                                    bias: bias.baseAddress!, outChannels: target.channels,
                                    scratch: scratch.baseAddress!, into: out.baseAddress!)
                            }
                        }
                    }
                }
                initialized = out.count
                return
            }
            windows.withUnsafeBufferPointer { w in
                conv.weight.withUnsafeBufferPointer { weight in
                    conv.bias.withUnsafeBufferPointer { bias in
                        scratch.withUnsafeMutableBufferPointer { columns in
                            RegionKernels.validConvolution3x3(
                                windows: w.baseAddress!, channels: input.plan.channels, count: count,
                                height: target.height, width: target.width, weight: weight.baseAddress!,
                                bias: bias.baseAddress!, outChannels: target.channels,
                                columns: columns.baseAddress!, into: out.baseAddress!)
                        }
                    }
                }
            }
            initialized = out.count
        }
    }

    /// `MaxPool2d(3, 2, 1)` of `input`'s crops (base around them, `-inf` outside the map) onto `target`'s crops.
    private func maxPool(_ input: (values: [Float], plan: StagePlan), base: Tensor, to target: StagePlan) -> [Float] {
        let windows = gathered(input, base: base, windows: target.origins.map { .init(y: 2 * $0.y - 1, x: 2 * $0.x - 1) },
                               height: 2 * target.height + 1, width: 2 * target.width + 1, fill: -.infinity)
        let count = target.origins.count
        return [Float](unsafeUninitializedCapacity: target.channels * count * target.height * target.width) { out, initialized in
            windows.withUnsafeBufferPointer { w in
                RegionKernels.validMaxPool3x3Stride2(windows: w.baseAddress!, planes: target.channels * count,
                                                     height: target.height, width: target.width, into: out.baseAddress!)
            }
            initialized = out.count
        }
    }

    /// `[count, C, side, side]`: the base map with each crop pasted in.
    private func fullMaps(_ values: [Float], _ plan: StagePlan, base: Tensor, count: Int) -> [Float] {
        let size = plan.channels * plan.side * plan.side
        var maps = [Float](repeating: 0, count: count * size)
        maps.withUnsafeMutableBufferPointer { dst in
            for k in 0..<count { (dst.baseAddress! + k * size).update(from: base.scalars, count: size) }
            values.withUnsafeBufferPointer { src in
                RegionKernels.paste(crops: src.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                    cropWidth: plan.width, channels: plan.channels, side: plan.side, into: dst.baseAddress!)
            }
        }
        return maps
    }

    /// A trunk site on crops: element-wise edits applied to the crops embedded in full maps, captures written
    /// as full maps (base around the crop).
    private func visit(_ label: String, _ values: inout [Float], _ plan: StagePlan, _ members: [Int],
                       _ base: [String: Tensor], _ hooks: SiteHooks, _ outputs: IncrementalOutputs) throws {
        let count = members.count
        if let edits = hooks.edits[label] {
            let shape = [count, plan.channels, plan.side, plan.side]
            var maps = [Float](repeating: 0, count: shape.reduce(1, *))
            values.withUnsafeBufferPointer { src in
                maps.withUnsafeMutableBufferPointer { dst in
                    RegionKernels.paste(crops: src.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                        cropWidth: plan.width, channels: plan.channels, side: plan.side, into: dst.baseAddress!)
                }
            }
            var tensor = Tensor(shape: shape, scalars: maps)
            for edit in edits {
                try edit.apply(&tensor)
                guard tensor.shape == shape else {
                    throw ImpalaPolicyError.patchChangedShape(label: label, before: shape, after: tensor.shape)
                }
            }
            tensor.withUnsafeBufferPointer { src in
                values.withUnsafeMutableBufferPointer { dst in
                    RegionKernels.extract(from: src.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                          cropWidth: plan.width, channels: plan.channels, side: plan.side, into: dst.baseAddress!)
                }
            }
        }
        if outputs.labels.contains(label) {
            let full = fullMaps(values, plan, base: base[label]!, count: count)
            for (k, n) in members.enumerated() { outputs.writeCapture(label, row: n, from: full, sourceRow: k) }
        }
    }
}

/// Hands out task indices to the workers.
private final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// The incremental trunk's results, written row by row by the workers (disjoint rows, so no lock for data).
private final class IncrementalOutputs: @unchecked Sendable {
    let features: Int
    let labels: Set<String>
    private var flat: UnsafeMutablePointer<Float>
    private let batch: Int
    private var captures: [String: (pointer: UnsafeMutablePointer<Float>, shape: [Int])] = [:]
    private let lock = NSLock()
    private var error: Error?

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

    func fail(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    /// The flat activations `[N, features]`; captures stored into `sites` under every requested name.
    func result(_ sites: inout SiteHooks) throws -> Tensor {
        if let error { throw error }
        for (label, capture) in captures {
            let value = Tensor(shape: capture.shape, scalars: Array(UnsafeBufferPointer(start: capture.pointer, count: capture.shape.reduce(1, *))))
            for name in sites.captures[label] ?? [] { sites.captured[name] = value }
        }
        return Tensor(shape: [batch, features], scalars: Array(UnsafeBufferPointer(start: flat, count: batch * features)))
    }
}
