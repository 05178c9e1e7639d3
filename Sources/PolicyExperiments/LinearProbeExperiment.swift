import ActivationPatching
import Foundation
import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import Statistics
import Tensors

/// procgen-tools' `probing_main` notebook as one experiment: sparse linear probes (`SparseProbe`) on the
/// policy's activations at probe samples (`ProbeSample`), for maze targets (`ProbeTarget`), at the layers the
/// notebook probes.
public struct LinearProbeExperiment: Sendable {
    /// The notebook's layers: the input, the six residual-block outputs, the flattened trunk, the hidden layer
    /// and the policy logits.
    public static let defaultLayers = [
        "embedder.block1.conv_in0",
        "embedder.block1.res1.resadd_out", "embedder.block1.res2.resadd_out",
        "embedder.block2.res1.resadd_out", "embedder.block2.res2.resadd_out",
        "embedder.block3.res1.resadd_out", "embedder.block3.res2.resadd_out",
        "embedder.flatten_out", "embedder.relufc_out", "fc_policy_out",
    ]

    public var layers: [String]
    public var targets: [ProbeTarget]
    /// K values for every target; nil takes each target's notebook list.
    public var ks: [Int]?
    /// Logistic `C` / ridge `alpha` for every target of that kind; nil takes the notebook's value per target.
    public var c: Double?
    public var alpha: Double?
    /// Number of seeded 80/20 splits, seeds `splitSeed, splitSeed + 1, ...`.
    public var splitCount: Int
    public var splitSeed: UInt64
    /// A `--channels` value (`ChannelChoice`: a list, `cheese`, `effective`, `all`, `topK`) restricting every conv
    /// layer to those channels (features of other channels are not ranked), resolved per layer; nil keeps every
    /// feature (the notebook's probes; unlike the channel commands, no default top-K). Flat layers
    /// (`flatten_out`, `relufc_out`, `fc_policy_out`) always keep all their features.
    public var channels: String?
    public var batchSize: Int
    public var gatherBudgetBytes: Int

    public init(layers: [String] = defaultLayers, targets: [ProbeTarget], ks: [Int]? = nil, c: Double? = nil,
                alpha: Double? = nil, splitCount: Int = 5, splitSeed: UInt64 = 42, channels: String? = nil,
                batchSize: Int = 128, gatherBudgetBytes: Int = 1 << 30) {
        self.layers = layers
        self.targets = targets
        self.ks = ks
        self.c = c
        self.alpha = alpha
        self.splitCount = splitCount
        self.splitSeed = splitSeed
        self.channels = channels
        self.batchSize = batchSize
        self.gatherBudgetBytes = gatherBudgetBytes
    }

    /// The features probed at `layer`: all activations (nil), or with `channels` those of the chosen channels of a
    /// conv layer (flat indices in C·H·W order). - Throws: `ProbeError.badLayer`, or `ChannelChoiceError` (one
    /// line naming `--channels`).
    public func featureIndices(layer: String, evaluator: PolicyEvaluator) throws -> [Int]? {
        let shape: [Int]
        do { shape = try evaluator.network.activationShape(of: layer) } catch {
            throw ProbeError.badLayer(layer)
        }
        guard let channels, shape.count == 3 else { return nil }
        let choice = try ChannelChoice.resolve(channels, layer: try ChannelLayer(layer, network: evaluator.network),
                                               evaluator: evaluator)
        let plane = shape[1] * shape[2]
        return choice.channels.flatMap { channel in (channel * plane)..<((channel + 1) * plane) }
    }

    /// The probe tasks for `samples`. - Throws: `ProbeError` when a classification target has one class only.
    public func tasks(for samples: [ProbeSample]) throws -> [ProbeTask] {
        try targets.map { target in
            if target.isClassification {
                let labels = samples.map(target.label)
                let positives = labels.filter { $0 }.count
                guard positives > 0, positives < labels.count else {
                    throw ProbeError.singleClass(target.description, positives: positives, total: labels.count)
                }
                return ProbeTask.classification(name: target.description, labels: labels,
                                       c: c ?? target.defaultRegularization, classWeight: .balanced,
                                       ks: ks ?? target.defaultKs)
            }
            return ProbeTask.regression(name: target.description, values: samples.map(target.value),
                               alpha: alpha ?? target.defaultRegularization, ks: ks ?? target.defaultKs)
        }
    }

    /// Runs every probe on `samples`. Cost: two or more batched forward passes over the samples (F statistics,
    /// then the ranked columns, in groups bounded by `gatherBudgetBytes`) and the fits.
    public func run(samples: [ProbeSample], evaluator: PolicyEvaluator, progress: ((String) -> Void)? = nil) throws -> [ProbeResult] {
        guard samples.count >= 10 else { throw ProbeError.tooFewSamples(samples.count) }
        let network = evaluator.network
        let canonical = try layers.map { label in
            do { return try ActivationLabels.canonical(label) } catch { throw ProbeError.badLayer(label) }
        }
        let selections = try canonical.map { try featureIndices(layer: $0, evaluator: evaluator) }
        let probeLayers = try zip(canonical, selections).map { label, selection in
            ProbeLayer(name: label, featureCount: try selection?.count ?? network.activationShape(of: label).reduce(1, *))
        }
        let splits = try SeededSplit.splits(rowCount: samples.count, count: splitCount, firstSeed: splitSeed)
        let probe = SparseProbe(layers: probeLayers, tasks: try tasks(for: samples), splits: splits,
                                batchSize: batchSize, gatherBudgetBytes: gatherBudgetBytes)
        let states = samples.map(\.state)
        return try probe.run(sampleCount: samples.count, features: { range in
            let output = try network.forward(evaluator.input(for: Array(states[range])), capturing: canonical)
            return zip(canonical, selections).map { label, selection in
                let scalars = output.activations[label]!.scalars
                guard let selection else { return scalars }
                let size = scalars.count / range.count
                var picked = [Float](repeating: 0, count: range.count * selection.count)
                for r in 0..<range.count {
                    for (j, index) in selection.enumerated() { picked[r * selection.count + j] = scalars[r * size + index] }
                }
                return picked
            }
        }, progress: progress)
    }
}

/// Why a probe run refused its input; one line naming the option at fault.
public enum ProbeError: Error, Equatable, CustomStringConvertible {
    case badLayer(String)
    case singleClass(String, positives: Int, total: Int)
    case tooFewSamples(Int)

    public var description: String {
        switch self {
        case .badLayer(let label):
            return "--layers: '\(label)' is not an activation site; use labels such as embedder.block2.res1.resadd_out "
                + "(see `mazerender activations --help`)"
        case let .singleClass(target, positives, total):
            return "--targets: \(target) is \(positives == 0 ? "false" : "true") for all \(total) samples, so nothing "
                + "can be probed; choose another cell or more samples"
        case .tooFewSamples(let count):
            return "--samples: only \(count) samples were collected; probes need at least 10 (give more --seeds)"
        }
    }
}
