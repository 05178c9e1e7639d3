import ActivationPatching
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import ModelFiles
import OutputFiles
import PolicyAnalysis
import Tensors

/// `mazerender logits` and `mazerender activations`: the policy on a seed's first observation, patched or not.
public struct PolicyJobs {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    public let generator: LevelGenerator

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, generator: LevelGenerator) {
        self.network = network
        self.renderer = renderer
        self.generator = generator
    }

    /// The `[1, 3, 64, 64]` input of `seed`'s maze after `edits` (the mouse at the start unless moved).
    public func input(seed: Int32, edits: MazeEdits) throws -> Tensor {
        var maze = generator.generate(seed: seed)
        try edits.apply(to: &maze)
        return renderer.networkInput(for: [maze])
    }

    /// One JSON line for `seed`: `seed, logits (15), log_softmax (15), probs {left, down, up, right, noop}, value`.
    public func logits(seed: Int32, edits: MazeEdits, patches: [PatchSpec]) throws -> JSONValue {
        let activationEdits = try resolveEdits(specs: patches, targetSeed: seed, network: network, renderer: renderer,
                                               generator: generator)
        let output = try network.forward(try input(seed: seed, edits: edits), edits: activationEdits)
        let groups = output.groupProbabilities.scalars
        return .object([
            ("seed", .int(Int(seed))),
            ("logits", .numbers(output.logits.scalars)),
            ("log_softmax", .numbers(output.logSoftmax.scalars)),
            ("probs", .object(ActionGroup.allCases.enumerated().map { ($1.rawValue, .float(groups[$0])) })),
            ("value", .float(output.values[0])),
        ])
    }

    /// The activation at `layer` for `seed` (batch of one), e.g. `[1, 128, 16, 16]` at block2 for scale 4.
    public func activation(seed: Int32, layer: String, edits: MazeEdits, patches: [PatchSpec]) throws -> Tensor {
        let activationEdits = try resolveEdits(specs: patches, targetSeed: seed, network: network, renderer: renderer,
                                               generator: generator)
        let output = try network.forward(try input(seed: seed, edits: edits), capturing: [layer], edits: activationEdits)
        guard let value = output.activations[layer] else { throw JobError("layer \(layer) was not captured") }
        return value
    }

    /// Parses command-line patch SPECs, naming the bad one.
    public static func parsePatches(_ texts: [String]) throws -> [PatchSpec] {
        try texts.map { text in
            do { return try PatchSpec(parsing: text) } catch { throw JobError(.patches, "\(text): \(error)") }
        }
    }
}
