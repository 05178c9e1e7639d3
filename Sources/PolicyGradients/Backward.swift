import ImpalaPolicy
import Tensors

extension ReversePass {
    /// The backward pass over a recorded forward pass, from the target's gradients at the heads down to the
    /// site `stop` (canonical label) or, when nil, to the observation.
    /// - Returns: the gradient at `stop` (`[N, ...]`) or at the observation `[N, 3, 64, 64]`.
    func backward(_ tape: Tape, gradLogits: Tensor, gradValue: Tensor, stop: String?,
                  edits: [String: [ActivationEdit]]) throws -> Tensor {
        // Each site: stop there (the gradient with respect to the edited value), else pass back through its edits.
        func site(_ label: String, _ gradient: inout Tensor) throws -> Bool {
            if label == stop { return true }
            guard let list = edits[label] else { return false }
            let seen = tape.beforeEdits[label] ?? []
            for (edit, before) in zip(list, seen).reversed() {
                guard let derivative = edit.derivative else {
                    throw GradientError.notDifferentiable(summary: edit.summary, label: label)
                }
                derivative(before, &gradient)
            }
            return false
        }
        var gLogits = gradLogits, gValue = gradValue
        if try site("fc_policy_out", &gLogits) { return gLogits }
        if try site("fc_value_out", &gValue) { return gValue }
        var g = Dense.linear(gLogits, weight: transposedPolicy.weight, bias: transposedPolicy.bias)
        Elementwise.addInPlace(&g, Dense.linear(gValue, weight: transposedValue.weight, bias: transposedValue.bias))
        if try site("embedder.relufc_out", &g) { return g }
        Self.maskInPlace(&g, where: tape.hiddenPreActivation)
        if try site("embedder.fc_out", &g) { return g }
        g = Dense.linear(g, weight: transposedFC.weight, bias: transposedFC.bias)
        if try site("embedder.flatten_out", &g) { return g }
        g = g.reshaped(tape.trunkOutput.shape)
        if try site("embedder.relu3_out", &g) { return g }
        Self.maskInPlace(&g, where: tape.trunkOutput)
        for block in (1...3).reversed() {
            let name = "embedder.block\(block)"
            let transposed = transposedConvolutions[block - 1]
            for (r, residual) in ["res1", "res2"].enumerated().reversed() {
                let prefix = "\(name).\(residual)"
                if try site("\(prefix).resadd_out", &g) { return g }
                let skip = g
                if try site("\(prefix).conv2_out", &g) { return g }
                let conv2 = transposed[2 * r + 2], conv1 = transposed[2 * r + 1]
                g = Convolution.conv3x3(g, weight: conv2.weight, bias: conv2.bias)
                if try site("\(prefix).relu2_out", &g) { return g }
                Self.maskInPlace(&g, where: tape.firstConvolutionOutputs[block - 1][r])
                if try site("\(prefix).conv1_out", &g) { return g }
                g = Convolution.conv3x3(g, weight: conv1.weight, bias: conv1.bias)
                if try site("\(prefix).relu1_out", &g) { return g }
                Self.maskInPlace(&g, where: tape.residualInputs[block - 1][r])
                Elementwise.addInPlace(&g, skip)
            }
            if try site("\(name).maxpool_out", &g) { return g }
            g = Self.maxPoolBackward(g, input: tape.poolInputs[block - 1])
            if try site("\(name).conv_out", &g) { return g }
            g = Convolution.conv3x3(g, weight: transposed[0].weight, bias: transposed[0].bias)
        }
        _ = try site("embedder.block1.conv_in0", &g)
        return g
    }

    /// `gradient[i] = 0` where `input[i] ≤ 0` (ReLU's derivative at its input).
    static func maskInPlace(_ gradient: inout Tensor, where input: Tensor) {
        precondition(gradient.count == input.count, "gradient \(gradient.shape) does not match \(input.shape)")
        input.withUnsafeBufferPointer { x in
            gradient.withUnsafeMutableBufferPointer { g in
                guard let gBase = g.baseAddress, let xBase = x.baseAddress else { return }
                for i in 0..<g.count where !(xBase[i] > 0) { gBase[i] = 0 }
            }
        }
    }

    /// The input gradient of `Elementwise.maxPool3x3Stride2`: each output's gradient goes to its window's
    /// maximum, the first in row-major order on ties (as PyTorch's CPU kernel picks); padding never wins.
    /// - Parameters: gradient `[N, C, H', W']`, input `[N, C, H, W]` (the pool's input).
    /// - Returns: `[N, C, H, W]`. Cost: 9 comparisons per output.
    static func maxPoolBackward(_ gradient: Tensor, input: Tensor) -> Tensor {
        let (height, width) = (input.shape[2], input.shape[3])
        let (outHeight, outWidth) = (gradient.shape[2], gradient.shape[3])
        let planes = input.shape[0] * input.shape[1]
        var result = Tensor(zeros: input.shape)
        input.withUnsafeBufferPointer { x in
            gradient.withUnsafeBufferPointer { g in
                result.withUnsafeMutableBufferPointer { out in
                    for plane in 0..<planes {
                        let inPlane = x.baseAddress! + plane * height * width
                        let outPlane = out.baseAddress! + plane * height * width
                        let gPlane = g.baseAddress! + plane * outHeight * outWidth
                        for oy in 0..<outHeight {
                            let y0 = max(0, 2 * oy - 1), y1 = min(height - 1, 2 * oy + 1)
                            for ox in 0..<outWidth {
                                let x0 = max(0, 2 * ox - 1), x1 = min(width - 1, 2 * ox + 1)
                                var best = y0 * width + x0, top = inPlane[best]
                                for y in y0...y1 {
                                    for xx in x0...x1 where inPlane[y * width + xx] > top {
                                        best = y * width + xx
                                        top = inPlane[best]
                                    }
                                }
                                outPlane[best] += gPlane[oy * outWidth + ox]
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
