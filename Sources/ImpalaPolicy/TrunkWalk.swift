import Tensors

/// One step of the convolutional trunk, producing the activation at one site.
enum TrunkStep {
    /// The input itself (`embedder.block1.conv_in0`).
    case input
    case convolution(ImpalaNetwork.Convolution)
    case maxPool
    /// ReLU into a new value; the residual's skip operand is the value before it.
    case residualReLU
    case relu
    /// Adds the residual's skip operand.
    case residualAdd
    /// `[N, C, 8, 8]` → `[N, C·64]`.
    case flatten
}

/// The activation at a trunk site before that site's edits, with what the rest of the trunk needs besides it:
/// the residual block's input when the site lies inside a residual block.
struct TrunkState {
    /// Index into `ImpalaNetwork.trunkSteps` (and `ActivationLabels.all`) of the site `value` belongs to.
    var site: Int
    var value: Tensor
    var skip: Tensor?
}

extension ImpalaNetwork {
    /// The trunk's steps in forward order, one per site of `ActivationLabels.all` up to `embedder.flatten_out`.
    var trunkSteps: [TrunkStep] {
        var steps: [TrunkStep] = [.input]
        for block in blocks {
            steps += [.convolution(block.conv), .maxPool]
            for residual in [block.res1, block.res2] {
                steps += [.residualReLU, .convolution(residual.conv1), .relu, .convolution(residual.conv2), .residualAdd]
            }
        }
        return steps + [.relu, .flatten]
    }

    /// The convolutional trunk: input site to `embedder.flatten_out`. - Returns: `[N, 32·scale·64]`.
    func trunk(_ input: Tensor, _ sites: inout SiteHooks, parallel: Bool) throws -> Tensor {
        try walk(TrunkState(site: 0, value: input), until: nil, &sites, parallel: parallel).value
    }

    /// Runs the trunk from `state` (visiting its site first: edits, captures) until just before site `stop`
    /// is visited, or through `embedder.flatten_out` when `stop` is nil.
    /// - Returns: the state at `stop` (its value before that site's edits), or after `embedder.flatten_out`.
    func walk(_ state: TrunkState, until stop: Int?, _ sites: inout SiteHooks, parallel: Bool) throws -> TrunkState {
        let steps = trunkSteps, labels = ActivationLabels.all
        var x = state.value, skip = state.skip
        var site = state.site
        while true {
            if site == stop { return TrunkState(site: site, value: x, skip: skip) }
            try sites.visit(labels[site], &x)
            site += 1
            guard site < steps.count else { return TrunkState(site: site, value: x, skip: nil) }
            switch steps[site] {
            case .input: break
            case .convolution(let conv):
                x = Tensors.Convolution.conv3x3(x, weight: conv.weight, bias: conv.bias, parallel: parallel)
            case .maxPool:
                x = Elementwise.maxPool3x3Stride2(x, parallel: parallel)
            case .residualReLU:
                skip = x
                x = Elementwise.relu(x)
            case .relu:
                Elementwise.reluInPlace(&x)
            case .residualAdd:
                Elementwise.addInPlace(&x, skip!)
                skip = nil
            case .flatten:
                x = x.reshaped([x.shape[0], x.count / max(1, x.shape[0])])
            }
        }
    }
}
