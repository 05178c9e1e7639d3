import ImpalaPolicy
import Tensors

/// Gradients of the IMPALA network: a forward pass that keeps what the backward pass needs, then the backward
/// pass of one scalar per observation (`GradientTarget`) to the observation or to any activation site, through
/// whatever patches the forward pass applied (the gradient of the patched network).
///
/// The backward pass mirrors the forward's layers: a convolution's input gradient is the convolution of the
/// output gradient with the kernels flipped and their in/out channels swapped (BLAS, as the forward); max
/// pooling routes each output's gradient to the first maximum of its window in row-major order (PyTorch's
/// choice on ties); ReLU passes gradient where its input was positive; a residual add sends it down both
/// branches; an edit multiplies it by its elementwise derivative (`ActivationEdit.derivative`).
///
/// Memory: per observation, the convolutional trunk's pre-pool maps, residual inputs and first-conv outputs
/// (about 0.5 MB at scale 1, 7 MB at scale 4), for at most `batchLimit` observations at a time.
public struct ReversePass: Sendable {
    public let network: ImpalaNetwork
    /// Observations per forward/backward chunk (batches whose edits all treat observations independently
    /// are split into chunks of this size; others run whole).
    public var batchLimit: Int

    /// Per convolution (stem, res1.conv1, res1.conv2, res2.conv1, res2.conv2 of each block): the kernels
    /// flipped in both spatial axes with input and output channels swapped, `[C, O, 3, 3]`, and zero biases.
    let transposedConvolutions: [[(weight: Tensor, bias: Tensor)]]
    /// `embedder.fc`, `fc_policy` and `fc_value` weights transposed to `[in, out]`, with zero biases `[in]`.
    let transposedFC: (weight: Tensor, bias: Tensor)
    let transposedPolicy: (weight: Tensor, bias: Tensor)
    let transposedValue: (weight: Tensor, bias: Tensor)
    let forwardWeights: [String: (weight: Tensor, bias: Tensor)]

    static let convolutionNames = ["conv", "res1.conv1", "res1.conv2", "res2.conv1", "res2.conv2"]

    public init(network: ImpalaNetwork, batchLimit: Int = 32) {
        self.network = network
        self.batchLimit = max(1, batchLimit)
        var weights: [String: (weight: Tensor, bias: Tensor)] = [:]
        var convolutions: [[(weight: Tensor, bias: Tensor)]] = []
        for block in 1...3 {
            var list: [(weight: Tensor, bias: Tensor)] = []
            for name in Self.convolutionNames {
                let module = "embedder.block\(block).\(name)"
                let parameters = network.parameters(of: module)!
                weights[module] = parameters
                list.append((Self.flippedTransposed(parameters.weight), Tensor(zeros: [parameters.weight.shape[1]])))
            }
            convolutions.append(list)
        }
        for module in ["embedder.fc", "fc_policy", "fc_value"] { weights[module] = network.parameters(of: module)! }
        func transposed(_ module: String) -> (weight: Tensor, bias: Tensor) {
            let weight = weights[module]!.weight
            return (Self.transposed(weight), Tensor(zeros: [weight.shape[1]]))
        }
        transposedConvolutions = convolutions
        transposedFC = transposed("embedder.fc")
        transposedPolicy = transposed("fc_policy")
        transposedValue = transposed("fc_value")
        forwardWeights = weights
    }

    /// The gradient of `target` for each observation of `input`.
    ///
    /// - Parameters:
    ///   - target: the scalar differentiated: a grouped probability or log-probability, a logit, or the value.
    ///   - input: `[N, 3, 64, 64]`, values in `[0, 1]` (see `PolicyInput`).
    ///   - variable: the observation, or an activation site (its gradient is with respect to the value the
    ///     rest of the network sees, after edits there).
    ///   - edits: patches applied in the forward pass, as `ImpalaNetwork.forward` applies them.
    /// - Returns: the target's value per observation (patched), and the gradient, `[N] + ` the variable's
    ///   per-observation shape (`[N, 3, 64, 64]` for the observation).
    /// - Throws: `ImpalaPolicyError` for a bad input or label, `GradientError.logitOutOfRange`, or
    ///   `GradientError.notDifferentiable` when an edit without a derivative lies between the target and the
    ///   variable.
    ///
    /// Cost: about three forward passes' FLOP (the backward convolutions cost what the forward ones do).
    public func gradient(of target: GradientTarget, at input: Tensor, withRespectTo variable: GradientVariable = .observation,
                         edits: [ActivationEdit] = []) throws -> (values: [Float], gradient: Tensor) {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 64, input.shape[3] == 64 else {
            throw ImpalaPolicyError.invalidInput(shape: input.shape)
        }
        try target.check(actionCount: network.actionCount)
        var stop: String?
        if case let .activation(label) = variable { stop = try ActivationLabels.canonical(label) }
        var byLabel: [String: [ActivationEdit]] = [:]
        for edit in edits { byLabel[try ActivationLabels.canonical(edit.label), default: []].append(edit) }
        let batch = input.shape[0]
        let chunk = edits.allSatisfy(\.batchIndependent) ? batchLimit : max(1, batch)
        var values: [Float] = []
        var parts: [Tensor] = []
        var start = 0
        repeat {
            let end = min(batch, start + chunk)
            let part = start == 0 && end == batch ? input : input.batchSlice(start..<end)
            let tape = try forward(part, edits: byLabel)
            let seed = target.seed(logits: tape.logits, values: tape.values)
            values += seed.values
            parts.append(try backward(tape, gradLogits: seed.logits, gradValue: seed.value, stop: stop, edits: byLabel))
            start = end
        } while start < batch
        let gradient = parts.count == 1 ? parts[0] : Tensor.concatenatingBatches(parts)
        let shape = try stop.map { [batch] + (try network.activationShape(of: $0)) } ?? [batch, 3, 64, 64]
        return (values, gradient.reshaped(shape))
    }

    /// `[O, C, 3, 3]` → `[C, O, 3, 3]` with both spatial axes reversed.
    static func flippedTransposed(_ weight: Tensor) -> Tensor {
        let (outChannels, inChannels) = (weight.shape[0], weight.shape[1])
        var result = Tensor(zeros: [inChannels, outChannels, 3, 3])
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for k in 0..<9 {
                    result.scalars[(c * outChannels + o) * 9 + (8 - k)] = weight.scalars[(o * inChannels + c) * 9 + k]
                }
            }
        }
        return result
    }

    /// `[R, K]` → `[K, R]`.
    static func transposed(_ matrix: Tensor) -> Tensor {
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        var result = Tensor(zeros: [columns, rows])
        for r in 0..<rows {
            for k in 0..<columns { result.scalars[k * rows + r] = matrix.scalars[r * columns + k] }
        }
        return result
    }
}
