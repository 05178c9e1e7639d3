import ImpalaPolicy
import MazeObservation
import MazeSimulation
import Tensors

/// A policy network paired with the observation renderer: maze states in, 5-way action probabilities out.
/// The value every analysis (vector fields, rollouts, statistics) works through.
public struct PolicyEvaluator: Sendable {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    /// Observations per forward pass. The default keeps a whole vector field (at most 336 positions) in one
    /// batch, as procgen-tools does; that matters for patches that copy batch element 0 to the whole batch
    /// (retargeting). Scale 4 needs about 3 MB of activations per observation at block 1.
    public var batchSize: Int

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, batchSize: Int = 512) {
        self.network = network
        self.renderer = renderer
        self.batchSize = max(1, batchSize)
    }

    /// The network input for `states`: `[N, 3, 64, 64]`, bytes divided by 255.
    public func input(for states: [MazeState]) -> Tensor {
        renderer.networkInput(for: states)
    }

    /// Forward passes over `states` in batches of `batchSize`, with `edits` applied in every pass.
    /// - Returns: per state, the 15 action probabilities and the 5 group probabilities (LEFT, DOWN, UP, RIGHT, NOOP).
    public func evaluate(_ states: [MazeState], edits: [ActivationEdit] = []) throws -> [ActionDistribution] {
        try inBatches(states.count, edits: edits) { range in input(for: Array(states[range])) }
    }

    /// The distributions of one maze with the mouse on each of `cells` (maze coordinates), using the renderer's
    /// batch API (the static image drawn once, the mouse stamped per cell).
    public func evaluate(_ maze: MazeState, mouseCells cells: [MazePoint], edits: [ActivationEdit] = []) throws -> [ActionDistribution] {
        let placements = renderer.mousePlacements(in: maze)
        return try inBatches(cells.count, edits: edits) { range in
            Tensor(shape: [range.count, 3, 64, 64], scalars: placements.chwFloats(mouseCells: Array(cells[range])))
        }
    }

    /// The distributions of one maze with the mouse on each of `cells` under several variants (each a list of
    /// edits; `[]` is the unpatched policy), sharing the layers before the first edited site where that costs
    /// less (`ImpalaNetwork.forwardVariants`). - Returns: `result[v][i]` for variant `v`, cell `i`.
    public func evaluate(_ maze: MazeState, mouseCells cells: [MazePoint], variants: [[ActivationEdit]]) throws -> [[ActionDistribution]] {
        let placements = renderer.mousePlacements(in: maze)
        var result = [[ActionDistribution]](repeating: [], count: variants.count)
        var start = 0
        while start < cells.count {
            let end = min(cells.count, start + batchSize)
            let input = Tensor(shape: [end - start, 3, 64, 64], scalars: placements.chwFloats(mouseCells: Array(cells[start..<end])))
            for (v, output) in try network.forwardVariants(input, variants: variants).enumerated() {
                result[v] += ActionDistribution.split(output)
            }
            start = end
        }
        return result
    }

    private func inBatches(_ count: Int, edits: [ActivationEdit], input: (Range<Int>) -> Tensor) throws -> [ActionDistribution] {
        var result: [ActionDistribution] = []
        result.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            result += ActionDistribution.split(try network.forward(input(start..<end), edits: edits))
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

extension ObservationRenderer {
    /// The policy network's input for `states`: `[N, 3, 64, 64]` floats, each observation byte divided by 255.
    public func networkInput(for states: [MazeState]) -> Tensor {
        let plane = Observation.byteCount
        var scalars = [Float](repeating: 0, count: states.count * plane)
        scalars.withUnsafeMutableBufferPointer { buffer in
            for (index, state) in states.enumerated() {
                render(state, intoCHW: UnsafeMutableBufferPointer(rebasing: buffer[(index * plane)..<((index + 1) * plane)]))
            }
        }
        return Tensor(shape: [states.count, 3, 64, 64], scalars: scalars)
    }
}
