import ImpalaPolicy
import MazeObservation
import MazeSimulation
import Tensors

/// A policy network paired with the observation renderer: maze states in, 5-way action probabilities out.
/// The value every analysis (vector fields, rollouts, statistics) works through.
public struct PolicyEvaluator: Sendable {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    /// Observations per forward pass; larger batches use sgemm better but need more memory
    /// (scale 4: about 1.3 MB of activations per observation at block 1).
    public var batchSize: Int

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, batchSize: Int = 128) {
        self.network = network
        self.renderer = renderer
        self.batchSize = max(1, batchSize)
    }

    /// The network input for `states`: `[N, 3, 64, 64]`, bytes divided by 255.
    public func input(for states: [MazeState]) -> Tensor {
        let plane = Observation.byteCount
        var scalars = [Float](repeating: 0, count: states.count * plane)
        scalars.withUnsafeMutableBufferPointer { buffer in
            for (index, state) in states.enumerated() {
                renderer.render(state, intoCHW: UnsafeMutableBufferPointer(rebasing: buffer[(index * plane)..<((index + 1) * plane)]))
            }
        }
        return Tensor(shape: [states.count, 3, 64, 64], scalars: scalars)
    }

    /// Forward passes over `states` in batches of `batchSize`, with `edits` applied in every pass.
    /// - Returns: per state, the 15 action probabilities and the 5 group probabilities (LEFT, DOWN, UP, RIGHT, NOOP).
    public func evaluate(_ states: [MazeState], edits: [ActivationEdit] = []) throws -> [ActionDistribution] {
        var result: [ActionDistribution] = []
        result.reserveCapacity(states.count)
        var start = 0
        while start < states.count {
            let end = min(states.count, start + batchSize)
            let output = try network.forward(input(for: Array(states[start..<end])), edits: edits)
            result += ActionDistribution.split(output)
            start = end
        }
        return result
    }
}

/// The policy's output for one observation.
public struct ActionDistribution: Hashable, Sendable {
    /// Raw logits, one per action.
    public let logits: [Float]
    /// Softmax of the logits, one per action.
    public let actions: [Float]
    /// Probabilities summed by group, in `ActionGroup.allCases` order: LEFT, DOWN, UP, RIGHT, NOOP.
    public let groups: [Float]
    /// The value head's output.
    public let value: Float

    public init(logits: [Float], actions: [Float], groups: [Float], value: Float) {
        self.logits = logits
        self.actions = actions
        self.groups = groups
        self.value = value
    }

    public func probability(of group: ActionGroup) -> Float {
        groups[ActionGroup.allCases.firstIndex(of: group)!]
    }

    /// The most probable single action (first one on ties, like `argmax`).
    public var argmaxAction: Int {
        var best = 0
        for index in actions.indices where actions[index] > actions[best] { best = index }
        return best
    }

    static func split(_ output: PolicyOutput) -> [ActionDistribution] {
        let batch = output.logits.shape[0], actionCount = output.logits.shape[1]
        return (0..<batch).map { n in
            ActionDistribution(
                logits: Array(output.logits.scalars[(n * actionCount)..<((n + 1) * actionCount)]),
                actions: Array(output.probabilities.scalars[(n * actionCount)..<((n + 1) * actionCount)]),
                groups: Array(output.groupProbabilities.scalars[(n * 5)..<((n + 1) * 5)]),
                value: output.values[n])
        }
    }
}
