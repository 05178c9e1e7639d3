import ImpalaPolicy
import Tensors

/// What one forward pass leaves for the backward pass: the values the ReLU masks and max-pool windows are
/// read from, the activations each edit saw, and the outputs.
struct Tape {
    /// Per block: the (edited) `conv_out`, the max pool's input. `[N, C, H, W]`.
    var poolInputs: [Tensor] = []
    /// Per block, per residual block: its input (the un-ReLU'd value `relu1` reads) and its (edited)
    /// `conv1_out` (what `relu2` reads).
    var residualInputs: [[Tensor]] = []
    var firstConvolutionOutputs: [[Tensor]] = []
    /// The (edited) `embedder.block3.res2.resadd_out`, which `relu3` reads.
    var trunkOutput = Tensor(zeros: [0])
    /// The (edited) `embedder.fc_out`, which the hidden ReLU reads.
    var hiddenPreActivation = Tensor(zeros: [0])
    /// The (edited) logits `[N, A]` and values.
    var logits = Tensor(zeros: [0])
    var values: [Float] = []
    /// Per edited site: the activation before each of its edits, in order.
    var beforeEdits: [String: [Tensor]] = [:]

    /// Applies the edits at `label` to `x`, keeping what each one saw.
    mutating func visit(_ label: String, _ x: inout Tensor, _ edits: [String: [ActivationEdit]]) throws {
        guard let list = edits[label] else { return }
        var seen: [Tensor] = []
        let shape = x.shape
        for edit in list {
            seen.append(x)
            try edit.apply(&x)
            guard x.shape == shape else {
                throw ImpalaPolicyError.patchChangedShape(label: label, before: shape, after: x.shape)
            }
        }
        beforeEdits[label] = seen
    }
}

extension ReversePass {
    /// The forward pass of `ImpalaNetwork.forward` (ordinary path, layer by layer on the whole chunk),
    /// recording a `Tape`.
    func forward(_ input: Tensor, edits: [String: [ActivationEdit]]) throws -> Tape {
        var tape = Tape()
        var x = input
        try tape.visit("embedder.block1.conv_in0", &x, edits)
        for block in 1...3 {
            let name = "embedder.block\(block)"
            let stem = forwardWeights["\(name).conv"]!
            x = Convolution.conv3x3(x, weight: stem.weight, bias: stem.bias)
            try tape.visit("\(name).conv_out", &x, edits)
            tape.poolInputs.append(x)
            x = Elementwise.maxPool3x3Stride2(x)
            try tape.visit("\(name).maxpool_out", &x, edits)
            var inputs: [Tensor] = [], firstOutputs: [Tensor] = []
            for residual in ["res1", "res2"] {
                let prefix = "\(name).\(residual)"
                inputs.append(x)
                var y = Elementwise.relu(x)
                try tape.visit("\(prefix).relu1_out", &y, edits)
                let conv1 = forwardWeights["\(prefix).conv1"]!, conv2 = forwardWeights["\(prefix).conv2"]!
                y = Convolution.conv3x3(y, weight: conv1.weight, bias: conv1.bias)
                try tape.visit("\(prefix).conv1_out", &y, edits)
                firstOutputs.append(y)
                Elementwise.reluInPlace(&y)
                try tape.visit("\(prefix).relu2_out", &y, edits)
                y = Convolution.conv3x3(y, weight: conv2.weight, bias: conv2.bias)
                try tape.visit("\(prefix).conv2_out", &y, edits)
                Elementwise.addInPlace(&y, x)
                try tape.visit("\(prefix).resadd_out", &y, edits)
                x = y
            }
            tape.residualInputs.append(inputs)
            tape.firstConvolutionOutputs.append(firstOutputs)
        }
        tape.trunkOutput = x
        Elementwise.reluInPlace(&x)
        try tape.visit("embedder.relu3_out", &x, edits)
        x = x.reshaped([x.shape[0], x.count / max(1, x.shape[0])])
        try tape.visit("embedder.flatten_out", &x, edits)
        let fc = forwardWeights["embedder.fc"]!, policy = forwardWeights["fc_policy"]!, value = forwardWeights["fc_value"]!
        var hidden = Dense.linear(x, weight: fc.weight, bias: fc.bias)
        try tape.visit("embedder.fc_out", &hidden, edits)
        tape.hiddenPreActivation = hidden
        Elementwise.reluInPlace(&hidden)
        try tape.visit("embedder.relufc_out", &hidden, edits)
        var logits = Dense.linear(hidden, weight: policy.weight, bias: policy.bias)
        try tape.visit("fc_policy_out", &logits, edits)
        var values = Dense.linear(hidden, weight: value.weight, bias: value.bias)
        try tape.visit("fc_value_out", &values, edits)
        tape.logits = logits
        tape.values = values.scalars
        return tape
    }
}
