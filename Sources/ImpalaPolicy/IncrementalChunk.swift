import Foundation
import Tensors

extension ImpalaNetwork {
    /// Runs members `range` of `group` through the trunk on the calling thread. Batch row `n` reads its
    /// unchanged surroundings from `store`'s slot `slots[n]`. With `writesBack`, every site's crops (after
    /// edits) are pasted into those slots as soon as they are final, so the slots end up holding the new
    /// observations' activations (each member needs a slot of its own); otherwise captures and the flat
    /// activations go to `outputs`. Without `winograd` every convolution is im2col + GEMM, which rounds as the
    /// ordinary pass does (Winograd's rounding differs in the last bits, and along an episode that adds up).
    func incrementalChunk(_ group: IncrementalGroup, _ range: Range<Int>, input: Tensor, store: ActivationStore,
                          slots: [Int], writesBack: Bool, winograd: Bool, hooks: SiteHooks, outputs: IncrementalOutputs?,
                          scratch: inout [Float]) throws {
        let members = Array(group.members[range])
        let count = members.count
        let memberSlots = members.map { slots[$0] }
        let base = CropBases(store: store, slots: memberSlots, writesBack: writesBack, winograd: winograd)
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
            var conv = (values: convolve(current, base: base.maps(previousLabel), block.conv, to: stage(s), winograd: base.winograd, &scratch), plan: stage(s))
            try visit("\(name).conv_out", &conv.values, conv.plan, members, base, hooks, outputs)
            var pooled = (values: maxPool(conv, base: base.maps("\(name).conv_out"), to: stage(s + 1)), plan: stage(s + 1))
            try visit("\(name).maxpool_out", &pooled.values, pooled.plan, members, base, hooks, outputs)
            var blockInput = pooled
            var blockInputLabel = "\(name).maxpool_out"
            for (r, residual) in [block.res1, block.res2].enumerated() {
                let res = "\(name).res\(r + 1)"
                var relu1 = blockInput
                relu(&relu1.values)
                try visit("\(res).relu1_out", &relu1.values, relu1.plan, members, base, hooks, outputs)
                var conv1 = (values: convolve(relu1, base: base.maps("\(res).relu1_out"), residual.conv1, to: stage(s + 2 + 2 * r), winograd: base.winograd, &scratch),
                             plan: stage(s + 2 + 2 * r))
                try visit("\(res).conv1_out", &conv1.values, conv1.plan, members, base, hooks, outputs)
                relu(&conv1.values)
                try visit("\(res).relu2_out", &conv1.values, conv1.plan, members, base, hooks, outputs)
                var conv2 = (values: convolve(conv1, base: base.maps("\(res).relu2_out"), residual.conv2, to: stage(s + 3 + 2 * r), winograd: base.winograd, &scratch),
                             plan: stage(s + 3 + 2 * r))
                try visit("\(res).conv2_out", &conv2.values, conv2.plan, members, base, hooks, outputs)
                // The residual: the block input over conv2's crop (its own crop lies inside it).
                let skip = gathered(blockInput, base: base.maps(blockInputLabel), windows: conv2.plan.origins,
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
        // Flatten: the crops pasted onto the base's final map (already in the store when writing back).
        if let outputs {
            let full = fullMaps(current.values, current.plan, base: base.maps("embedder.relu3_out"))
            for (k, n) in members.enumerated() { outputs.writeFlat(row: n, from: full, sourceRow: k) }
        }
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

    /// Windows over `crops` (each member's base map elsewhere, `fill` outside the map), `[C, N, height, width]`.
    private func gathered(_ crops: (values: [Float], plan: StagePlan), base: [UnsafePointer<Float>],
                          windows: [RegionKernels.Origin], height: Int, width: Int, fill: Float) -> [Float] {
        let plan = crops.plan
        return [Float](unsafeUninitializedCapacity: plan.channels * windows.count * height * width) { out, initialized in
            crops.values.withUnsafeBufferPointer { c in
                RegionKernels.gather(crops: c.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                     cropWidth: plan.width, bases: base, side: plan.side, channels: plan.channels,
                                     windows: windows, windowHeight: height, windowWidth: width, fill: fill,
                                     into: out.baseAddress!)
            }
            initialized = out.count
        }
    }

    /// A 3x3 convolution of `input`'s crops (base around them) onto the crops of `target`.
    private func convolve(_ input: (values: [Float], plan: StagePlan), base: [UnsafePointer<Float>], _ conv: Convolution,
                          to target: StagePlan, winograd allowed: Bool, _ scratch: inout [Float]) -> [Float] {
        let windows = gathered(input, base: base, windows: target.origins.map { .init(y: $0.y - 1, x: $0.x - 1) },
                               height: target.height + 2, width: target.width + 2, fill: 0)
        let count = target.origins.count
        let winograd = allowed && Self.usesWinograd(inputChannels: input.plan.channels, target: target)
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
    private func maxPool(_ input: (values: [Float], plan: StagePlan), base: [UnsafePointer<Float>], to target: StagePlan) -> [Float] {
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

    /// `[count, C, side, side]`: each member's base map with its crop pasted in.
    private func fullMaps(_ values: [Float], _ plan: StagePlan, base: [UnsafePointer<Float>]) -> [Float] {
        let size = plan.channels * plan.side * plan.side
        var maps = [Float](repeating: 0, count: base.count * size)
        maps.withUnsafeMutableBufferPointer { dst in
            for (k, map) in base.enumerated() { (dst.baseAddress! + k * size).update(from: map, count: size) }
            values.withUnsafeBufferPointer { src in
                RegionKernels.paste(crops: src.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                    cropWidth: plan.width, channels: plan.channels, side: plan.side, into: dst.baseAddress!)
            }
        }
        return maps
    }

    /// A trunk site on crops: element-wise edits applied to the crops embedded in full maps, then the crops
    /// written back into the store, or captures written as full maps (base around the crop).
    private func visit(_ label: String, _ values: inout [Float], _ plan: StagePlan, _ members: [Int],
                       _ base: CropBases, _ hooks: SiteHooks, _ outputs: IncrementalOutputs?) throws {
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
        if base.writesBack {
            let maps = base.mutableMaps(label)
            values.withUnsafeBufferPointer { src in
                RegionKernels.paste(crops: src.baseAddress!, cropOrigins: plan.origins, cropHeight: plan.height,
                                    cropWidth: plan.width, channels: plan.channels, side: plan.side, into: maps)
            }
        } else if let outputs, outputs.labels.contains(label) {
            let full = fullMaps(values, plan, base: base.maps(label))
            for (k, n) in members.enumerated() { outputs.writeCapture(label, row: n, from: full, sourceRow: k) }
        }
    }
}
