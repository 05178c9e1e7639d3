import Foundation
import ModelFiles
import Tensors

/// The IMPALA CNN policy of the procgen maze agents (procgen-tools' `CategoricalPolicy(InterpretableImpalaModel)`).
///
/// Three blocks `conv 3x3 → maxpool 3x3/2 (pad -inf) → res1 → res2` with `16s, 32s, 32s` channels for
/// scale `s`, then `relu → flatten (c·64 + h·8 + w) → fc (→ hidden) → relu → fc_policy (→ actions) and
/// fc_value (→ 1)`. A residual block is `relu → conv1 → relu → conv2 → + block input`.
/// Weights keep PyTorch's names and layouts (conv OIHW, linear `[out, in]`).
public struct ImpalaNetwork: Sendable {
    struct Convolution: Sendable {
        var weight: Tensor, bias: Tensor
        /// `Winograd.transformWeights(weight)`, `[16, O, C]`, for the incremental pass's F(2x2, 3x3) kernel.
        var winogradWeight: Tensor

        init(weight: Tensor, bias: Tensor) {
            self.weight = weight
            self.bias = bias
            winogradWeight = Winograd.transformWeights(weight)
        }
    }
    struct Linear: Sendable { var weight: Tensor, bias: Tensor }
    struct Residual: Sendable { var conv1: Convolution, conv2: Convolution }
    struct Block: Sendable { var conv: Convolution, res1: Residual, res2: Residual }

    /// Width multiplier: `embedder.block1.conv.weight.shape[0] / 16` (the published maze agents use 4).
    public let scale: Int
    /// Output channels of blocks 1, 2 and 3: `[16·scale, 32·scale, 32·scale]`.
    public let channels: [Int]
    /// Width of the hidden layer `embedder.fc` (256 in the published models).
    public let hiddenCount: Int
    /// Number of actions (rows of `fc_policy.weight`; 15 for procgen).
    public let actionCount: Int

    let blocks: [Block]
    let fc: Linear
    let policyHead: Linear
    let valueHead: Linear

    /// Loads a checkpoint file (`.pth` zip or legacy, or safetensors) and builds the network from it.
    /// - Throws: `ModelFileError` for unreadable files, missing keys, wrong shapes or unused tensors.
    public init(contentsOf url: URL) throws {
        try self.init(stateDict: CheckpointReader.loadStateDict(contentsOf: url))
    }

    /// Builds the network by consuming all 36 tensors of `stateDict`, checking every shape against the
    /// scale read from `embedder.block1.conv.weight` and the action count read from `fc_policy.weight`.
    /// - Throws: `ModelFileError.missingKey`, `.wrongShape` or `.unusedKeys`.
    public init(stateDict: StateDict) throws {
        var weights = StateDictConsumer(stateDict)
        let firstShape = try weights.shape(of: "embedder.block1.conv.weight")
        guard firstShape.count == 4, firstShape[0] > 0, firstShape[0] % 16 == 0 else {
            throw ModelFileError.wrongShape(file: weights.file, key: "embedder.block1.conv.weight",
                                            expected: [16, 3, 3, 3], found: firstShape)
        }
        let scale = firstShape[0] / 16
        let channels = [16 * scale, 32 * scale, 32 * scale]
        let fcShape = try weights.shape(of: "embedder.fc.weight")
        let policyShape = try weights.shape(of: "fc_policy.weight")
        let hidden = fcShape.first ?? 0, actions = policyShape.first ?? 0
        guard hidden > 0, actions > 0 else {
            throw ModelFileError.wrongShape(file: weights.file, key: hidden > 0 ? "fc_policy.weight" : "embedder.fc.weight",
                                            expected: hidden > 0 ? [15, hidden] : [256, channels[2] * 64],
                                            found: hidden > 0 ? policyShape : fcShape)
        }
        func conv(_ name: String, _ inChannels: Int, _ outChannels: Int) throws -> Convolution {
            Convolution(weight: try weights.take("\(name).weight", shape: [outChannels, inChannels, 3, 3]),
                        bias: try weights.take("\(name).bias", shape: [outChannels]))
        }
        func linear(_ name: String, _ inFeatures: Int, _ outFeatures: Int) throws -> Linear {
            Linear(weight: try weights.take("\(name).weight", shape: [outFeatures, inFeatures]),
                   bias: try weights.take("\(name).bias", shape: [outFeatures]))
        }
        var blocks: [Block] = []
        var inChannels = 3
        for (index, width) in channels.enumerated() {
            let name = "embedder.block\(index + 1)"
            let stem = try conv("\(name).conv", inChannels, width)
            let res1 = Residual(conv1: try conv("\(name).res1.conv1", width, width),
                                conv2: try conv("\(name).res1.conv2", width, width))
            let res2 = Residual(conv1: try conv("\(name).res2.conv1", width, width),
                                conv2: try conv("\(name).res2.conv2", width, width))
            blocks.append(Block(conv: stem, res1: res1, res2: res2))
            inChannels = width
        }
        let fc = try linear("embedder.fc", channels[2] * 64, hidden)
        let policyHead = try linear("fc_policy", hidden, actions)
        let valueHead = try linear("fc_value", hidden, 1)
        try weights.finish()
        self.scale = scale
        self.channels = channels
        self.hiddenCount = hidden
        self.actionCount = actions
        self.blocks = blocks
        self.fc = fc
        self.policyHead = policyHead
        self.valueHead = valueHead
    }

    /// A network with PyTorch-default-like random weights (uniform in `±1/sqrt(fan_in)`), for benchmarks and
    /// tests. Deterministic for a given seed.
    public static func randomlyInitialized(scale: Int, hiddenCount: Int = 256, actionCount: Int = 15,
                                           seed: UInt64) -> ImpalaNetwork {
        var generator = SeededGenerator(seed: seed)
        var entries: [(String, Tensor)] = []
        func add(_ name: String, _ weightShape: [Int], fanIn: Int) {
            let bound = 1 / Float(fanIn).squareRoot()
            entries.append(("\(name).weight", generator.uniformTensor(shape: weightShape, bound: bound)))
            entries.append(("\(name).bias", generator.uniformTensor(shape: [weightShape[0]], bound: bound)))
        }
        let channels = [16 * scale, 32 * scale, 32 * scale]
        var inChannels = 3
        for (index, width) in channels.enumerated() {
            let name = "embedder.block\(index + 1)"
            add("\(name).conv", [width, inChannels, 3, 3], fanIn: inChannels * 9)
            for conv in ["res1.conv1", "res1.conv2", "res2.conv1", "res2.conv2"] {
                add("\(name).\(conv)", [width, width, 3, 3], fanIn: width * 9)
            }
            inChannels = width
        }
        add("embedder.fc", [hiddenCount, channels[2] * 64], fanIn: channels[2] * 64)
        add("fc_policy", [actionCount, hiddenCount], fanIn: hiddenCount)
        add("fc_value", [1, hiddenCount], fanIn: hiddenCount)
        // The entries match the architecture by construction.
        return try! ImpalaNetwork(stateDict: StateDict(file: "random(scale: \(scale), seed: \(seed))", entries: entries))
    }

    /// The per-observation shape of the activation at `label` (e.g. `[32·scale, 16, 16]`).
    /// - Throws: `ImpalaPolicyError.unknownLabel`.
    public func activationShape(of label: String) throws -> [Int] {
        try ActivationLabels.shape(of: label, channels: channels, hidden: hiddenCount, actions: actionCount)
    }

    /// A layer's weight and bias by its PyTorch module name (`embedder.block2.res1.conv1`, `embedder.fc`,
    /// `fc_policy`, `fc_value`), in PyTorch's layouts (conv `[O, C, 3, 3]`, linear `[out, in]`); nil for any other
    /// name. For passes that run the network their own way (the reverse pass).
    public func parameters(of module: String) -> (weight: Tensor, bias: Tensor)? {
        switch module {
        case "embedder.fc": return (fc.weight, fc.bias)
        case "fc_policy": return (policyHead.weight, policyHead.bias)
        case "fc_value": return (valueHead.weight, valueHead.bias)
        default: break
        }
        for (index, block) in blocks.enumerated() {
            let prefix = "embedder.block\(index + 1)."
            guard module.hasPrefix(prefix) else { continue }
            switch module.dropFirst(prefix.count) {
            case "conv": return (block.conv.weight, block.conv.bias)
            case "res1.conv1": return (block.res1.conv1.weight, block.res1.conv1.bias)
            case "res1.conv2": return (block.res1.conv2.weight, block.res1.conv2.bias)
            case "res2.conv1": return (block.res2.conv1.weight, block.res2.conv1.bias)
            case "res2.conv2": return (block.res2.conv2.weight, block.res2.conv2.bias)
            default: return nil
            }
        }
        return nil
    }

    /// Multiply-adds per observation times two (FLOP), for throughput reports.
    public var flopsPerObservation: Int {
        var flops = 0, inChannels = 3, size = 64
        for width in channels {
            flops += 2 * 9 * inChannels * width * size * size
            size /= 2
            flops += 4 * 2 * 9 * width * width * size * size
            inChannels = width
        }
        return flops + 2 * (channels[2] * 64 * hiddenCount + hiddenCount * (actionCount + 1))
    }
}
