import ImpalaPolicy
import MazeSimulation
import Tensors

extension PolicyEvaluator {
    /// The activations at `layer` for `maze` as it stands (the mouse where it is), with `edits` applied.
    /// - Returns: `[C, H, W]` for conv sites (row 0 at the top, as the observation), `[F]` for flat sites.
    /// - Throws: `ImpalaPolicyError.unknownLabel` listing the valid labels, or what an edit throws.
    /// Cost: one batch-1 forward pass.
    public func activations(of maze: MazeState, layer: String, edits: [ActivationEdit] = []) throws -> Tensor {
        let output = try network.forward(input(for: [maze]), capturing: [layer], edits: edits)
        let captured = output.activations[layer]!
        return captured.reshaped(Array(captured.shape.dropFirst()))
    }
}
