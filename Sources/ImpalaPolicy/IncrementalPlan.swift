import Tensors

/// A half-open rectangle of a square map: rows `y0..<y1`, columns `x0..<x1`.
struct MapRect: Hashable, Sendable {
    var y0: Int, y1: Int, x0: Int, x1: Int

    var height: Int { max(0, y1 - y0) }
    var width: Int { max(0, x1 - x0) }
    var isEmpty: Bool { y1 <= y0 || x1 <= x0 }

    /// The outputs of a 3x3, stride-1, padding-1 convolution that read any of these inputs.
    func afterConvolution(side: Int) -> MapRect {
        MapRect(y0: max(0, y0 - 1), y1: min(side, y1 + 1), x0: max(0, x0 - 1), x1: min(side, x1 + 1))
    }

    /// The outputs of `MaxPool2d(3, 2, 1)` on a map of `side` whose windows (inputs `2o-1 ... 2o+1`) reach
    /// any of these inputs: `o` from `y0 / 2` to `y1 / 2` inclusive, clipped to the output side.
    func afterMaxPool(side: Int) -> MapRect {
        let out = (side - 1) / 2 + 1
        return MapRect(y0: y0 / 2, y1: min(out, y1 / 2 + 1), x0: x0 / 2, x1: min(out, x1 / 2 + 1))
    }
}

/// The crops one group of observations computes at one stage: a common size and one origin per member.
struct StagePlan: Sendable {
    var side: Int
    var channels: Int
    var height: Int
    var width: Int
    var origins: [RegionKernels.Origin]
}

/// Observations whose changed input pixels have the same bounding-box size, computed together: per stage
/// (input, then per block: stem conv, pool, and the four residual convs) the largest of the members' changed
/// rectangles, each member's rectangle grown to that size inside the map.
struct IncrementalGroup: Sendable {
    /// Batch indices of the members.
    var members: [Int]
    /// 19 stages: 0 is the input; block `b` has `1 + 6b` (conv), `+1` (pool), `+2...+5` (res1.conv1,
    /// res1.conv2, res2.conv1, res2.conv2).
    var stages: [StagePlan]

    /// Multiply-adds × 2 of the group's convolutions done directly, per member.
    var flopsPerMember: Int { flops(winograd: false) }

    /// The same as the kernels do it: Winograd F(2x2, 3x3) convolutions spend 16 products per 4 outputs.
    var gemmFLOPsPerMember: Int { flops(winograd: true) }

    func flops(winograd: Bool) -> Int {
        var flops = 0
        for s in 1..<stages.count where (s - 1) % 6 != 1 {
            let inChannels = s == 1 ? 3 : stages[s - 1].channels
            let direct = 2 * 9 * inChannels * stages[s].channels * stages[s].height * stages[s].width
            flops += winograd && ImpalaNetwork.usesWinograd(inputChannels: inChannels, target: stages[s]) ? direct * 4 / 9 : direct
        }
        return flops
    }
}

/// What the incremental path will do with one batch: the shared base image, which observations are equal
/// to it, which go through the ordinary forward pass, and the groups computed incrementally.
struct IncrementalPlan: Sendable {
    /// The base image `[1, 3, 64, 64]`: per pixel and channel the value most observations share.
    var base: Tensor
    var unchanged: [Int]
    var ordinary: [Int]
    var groups: [IncrementalGroup]
    /// Convolution FLOPs of the plan (base image, groups, ordinary observations) and of the ordinary pass.
    var convolutionFLOPs: Int
    /// `convolutionFLOPs` with the Winograd convolutions counted at their 16 products per 2x2 outputs.
    var kernelFLOPs: Int
    var ordinaryConvolutionFLOPs: Int

    /// Groups whose crops cost more than this share of an ordinary trunk pass run the ordinary way.
    static let worthwhileShare = 0.7
    /// The whole plan (base image and ordinary observations included) must stay under this share, or the
    /// bookkeeping would eat the gain.
    static let worthwhileTotal = 0.6

    /// Plans `input` (`[N, 3, 64, 64]`) for `network`; nil when no observation would be cheaper.
    init?(input: Tensor, network: ImpalaNetwork) {
        let batch = input.shape[0], side = input.shape[2]
        guard batch >= 2, input.shape[3] == side else { return nil }
        let base = Self.majorityImage(input)
        let boxes = Self.changedBoxes(input, base: base)
        let channels = network.channels
        let trunkFLOPs = network.trunkConvolutionFLOPs

        var unchanged: [Int] = [], ordinary: [Int] = []
        var bySize: [[Int]: [Int]] = [:]
        for (n, box) in boxes.enumerated() {
            if box.isEmpty { unchanged.append(n) } else { bySize[[box.height, box.width], default: []].append(n) }
        }
        var groups: [IncrementalGroup] = []
        var flops = trunkFLOPs // the base image
        var gemmFLOPs = trunkFLOPs
        for key in bySize.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let members = bySize[key]!
            let group = Self.group(members: members, boxes: boxes, channels: channels, side: side)
            if Double(group.flopsPerMember) < Self.worthwhileShare * Double(trunkFLOPs) {
                groups.append(group)
                flops += group.flopsPerMember * members.count
                gemmFLOPs += group.gemmFLOPsPerMember * members.count
            } else {
                ordinary += members
                flops += trunkFLOPs * members.count
                gemmFLOPs += trunkFLOPs * members.count
            }
        }
        guard !groups.isEmpty || !unchanged.isEmpty else { return nil }
        let ordinaryFLOPs = trunkFLOPs * batch
        guard Double(flops) <= Self.worthwhileTotal * Double(ordinaryFLOPs) else { return nil }
        self.base = base
        self.unchanged = unchanged
        self.ordinary = ordinary.sorted()
        self.groups = groups
        self.convolutionFLOPs = flops
        self.kernelFLOPs = gemmFLOPs
        self.ordinaryConvolutionFLOPs = ordinaryFLOPs
    }

    /// Propagates each member's changed rectangle through the stages and sizes the group's crops.
    static func group(members: [Int], boxes: [MapRect], channels: [Int], side: Int) -> IncrementalGroup {
        var rects = members.map { [boxes[$0]] }
        var sides = [side], widths = [3]
        var s = side
        for width in channels {
            sides += [s, (s - 1) / 2 + 1]
            s = (s - 1) / 2 + 1
            sides += [s, s, s, s]
            widths += [Int](repeating: width, count: 6)
        }
        for m in rects.indices {
            for stage in 1..<sides.count {
                let previous = rects[m][stage - 1]
                rects[m].append((stage - 1) % 6 == 1
                    ? previous.afterMaxPool(side: sides[stage - 1])
                    : previous.afterConvolution(side: sides[stage]))
            }
        }
        var stages: [StagePlan] = []
        for stage in sides.indices {
            var height = rects.map { $0[stage].height }.max() ?? 0
            var width = rects.map { $0[stage].width }.max() ?? 0
            if stage > 0, (stage - 1) % 6 != 1 { // convolution outputs: even, for Winograd's 2x2 tiles
                height = min(sides[stage], height + height % 2)
                width = min(sides[stage], width + width % 2)
            }
            let origins = rects.map { r in
                RegionKernels.Origin(y: min(r[stage].y0, sides[stage] - height), x: min(r[stage].x0, sides[stage] - width))
            }
            stages.append(StagePlan(side: sides[stage], channels: widths[stage], height: height, width: width, origins: origins))
        }
        return IncrementalGroup(members: members, stages: stages)
    }

    /// Per element of `[3, H, W]`, the value most observations hold (Boyer–Moore majority vote over the bit
    /// patterns; any choice is correct, a good one makes the changed regions small). - Returns: `[1, 3, H, W]`.
    static func majorityImage(_ input: Tensor) -> Tensor {
        let batch = input.shape[0], size = input.count / max(1, batch)
        var candidate = [UInt32](repeating: 0, count: size)
        var votes = [Int32](repeating: 0, count: size)
        input.withUnsafeBufferPointer { x in
            for n in 0..<batch {
                let image = x.baseAddress! + n * size
                for i in 0..<size {
                    let bits = image[i].bitPattern
                    if votes[i] == 0 {
                        candidate[i] = bits
                        votes[i] = 1
                    } else if candidate[i] == bits {
                        votes[i] += 1
                    } else {
                        votes[i] -= 1
                    }
                }
            }
        }
        return Tensor(shape: [1] + input.shape.dropFirst(), scalars: candidate.map { Float(bitPattern: $0) })
    }

    /// Per observation, the bounding box of the pixels where any channel's bit pattern differs from `base`.
    /// Rows are scanned from the top and from the bottom, then columns from the left and from the right
    /// between them, so an unrelated image costs a few rows and columns, not a full comparison.
    static func changedBoxes(_ input: Tensor, base: Tensor) -> [MapRect] {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        return input.withUnsafeBufferPointer { x in
            base.withUnsafeBufferPointer { b in
                (0..<batch).map { n in
                    changedBox(x.baseAddress! + n * channels * height * width, reference: b.baseAddress!,
                               channels: channels, height: height, width: width)
                }
            }
        }
    }

    /// The bounding box of the pixels where any channel of `image` (`[C, H, W]`) differs bit for bit from
    /// `reference`; empty when none does.
    static func changedBox(_ image: UnsafePointer<Float>, reference: UnsafePointer<Float>, channels: Int, height: Int,
                           width: Int) -> MapRect {
        let plane = height * width
        func differs(_ y: Int, _ column: Int) -> Bool {
            for c in 0..<channels where image[c * plane + y * width + column].bitPattern
                != reference[c * plane + y * width + column].bitPattern { return true }
            return false
        }
        func rowDiffers(_ y: Int) -> Bool { (0..<width).contains { differs(y, $0) } }
        guard let top = (0..<height).first(where: rowDiffers) else { return MapRect(y0: 0, y1: 0, x0: 0, x1: 0) }
        let bottom = (top..<height).reversed().first(where: rowDiffers)!
        func columnDiffers(_ column: Int) -> Bool { (top...bottom).contains { differs($0, column) } }
        let left = (0..<width).first(where: columnDiffers)!
        let right = (left..<width).reversed().first(where: columnDiffers)!
        return MapRect(y0: top, y1: bottom + 1, x0: left, x1: right + 1)
    }
}

/// How much work the incremental path saves on one batch (see `ImpalaNetwork.incrementalSavings(for:)`).
public struct IncrementalSavings: Sendable, Equatable {
    /// Observations computed incrementally, equal to the base image, and run the ordinary way.
    public var incremental: Int
    public var unchanged: Int
    public var ordinary: Int
    /// Convolution FLOPs the incremental path spends (base image included; counted as direct 3x3
    /// convolutions) and the ordinary pass spends.
    public var convolutionFLOPs: Int
    public var ordinaryConvolutionFLOPs: Int
    /// The incremental path's multiply-adds × 2 as its kernels do them (Winograd: 16 products per 4 outputs).
    public var kernelFLOPs: Int
    /// `convolutionFLOPs / ordinaryConvolutionFLOPs`: the share of the work the regions leave.
    public var share: Double { Double(convolutionFLOPs) / Double(max(1, ordinaryConvolutionFLOPs)) }
    /// `kernelFLOPs / ordinaryConvolutionFLOPs`: the share of the ordinary pass's arithmetic actually done.
    public var kernelShare: Double { Double(kernelFLOPs) / Double(max(1, ordinaryConvolutionFLOPs)) }
}

extension ImpalaNetwork {
    /// FLOPs of the trunk's 15 convolutions for one observation.
    var trunkConvolutionFLOPs: Int {
        var flops = 0, inChannels = 3, size = 64
        for width in channels {
            flops += 2 * 9 * inChannels * width * size * size
            size = (size - 1) / 2 + 1
            flops += 4 * 2 * 9 * width * width * size * size
            inChannels = width
        }
        return flops
    }

    /// What the incremental forward pass would do with `input` (`[N, 3, 64, 64]`): nil when it would not be
    /// used (fewer than two observations, or no saving); otherwise counts and convolution FLOPs.
    public func incrementalSavings(for input: Tensor) -> IncrementalSavings? {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 64, input.shape[3] == 64,
              let plan = IncrementalPlan(input: input, network: self) else { return nil }
        return IncrementalSavings(incremental: plan.groups.reduce(0) { $0 + $1.members.count },
                                  unchanged: plan.unchanged.count, ordinary: plan.ordinary.count,
                                  convolutionFLOPs: plan.convolutionFLOPs,
                                  ordinaryConvolutionFLOPs: plan.ordinaryConvolutionFLOPs, kernelFLOPs: plan.kernelFLOPs)
    }
}
