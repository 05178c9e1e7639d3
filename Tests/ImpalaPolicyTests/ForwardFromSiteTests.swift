import ImpalaPolicy
import Tensors
import Testing

/// Original and patched variants sharing the layers before the first patched site, against separate passes.
@Suite struct ForwardFromSiteTests {
    /// `count` unrelated pseudo-random observations (no shared base image, so no incremental pass).
    static func observations(_ count: Int) -> Tensor {
        var state: UInt32 = 12345
        let scalars = (0..<(count * 3 * 64 * 64)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24)
        }
        return Tensor(shape: [count, 3, 64, 64], scalars: scalars)
    }

    /// Adds `coefficient · (c + 1) / C` to channel `c` of every position: element-wise.
    static func add(_ coefficient: Float, at label: String) -> ActivationEdit {
        ActivationEdit(label: label, elementwise: true) { tensor in
            let (batch, channels) = (tensor.shape[0], tensor.shape[1]), plane = tensor.count / max(1, batch * channels)
            for n in 0..<batch {
                for c in 0..<channels {
                    let offset = (n * channels + c) * plane
                    for i in 0..<plane { tensor.scalars[offset + i] += coefficient * Float(c + 1) / Float(channels) }
                }
            }
        }
    }

    @Test(arguments: [1, 4])
    func coefficientSweepEqualsSeparatePasses(scale: Int) throws {
        let network = ImpalaNetwork.randomlyInitialized(scale: scale, seed: 7)
        let input = Self.observations(scale == 1 ? 12 : 4)
        let site = "embedder.block2.res1.resadd_out"
        let variants: [[ActivationEdit]] = [[]] + [-1, 0.5, 2].map { [Self.add($0, at: site)] }
            + [[Self.add(1, at: "embedder.block3.res2.conv1_out"), Self.add(-1, at: "embedder.fc_out")]]
        let capturing = ["embedder.block1.res1.resadd_out", site, "embedder.relufc_out"]
        let shared = try network.forwardVariants(input, variants: variants, capturing: capturing)
        var worst: Float = 0
        for (variant, output) in zip(variants, shared) {
            let separate = try network.forward(input, capturing: capturing, edits: variant, path: .ordinary)
            worst = max(worst, output.logits.maxAbsoluteDifference(to: separate.logits))
            for label in capturing {
                worst = max(worst, output.activations[label]!.maxAbsoluteDifference(to: separate.activations[label]!))
            }
        }
        print("scale \(scale): \(variants.count) variants from one prefix, max |difference| \(worst)")
        #expect(worst <= 1e-5)
    }

    @Test func prefixesAtEverySiteContinueExactly() throws {
        let network = ImpalaNetwork.randomlyInitialized(scale: 1, seed: 3)
        let input = Self.observations(3)
        for label in ActivationLabels.all {
            let edit = label.hasPrefix("fc_") ? [] : [ActivationEdit(label: label) { $0.scalars[0] += 0.25 }]
            let expected = try network.forward(input, edits: edit, path: .ordinary)
            let prefix = try network.prefix(input, upTo: label)
            let output = try network.forward(from: prefix, edits: edit)
            #expect(output.logits.maxAbsoluteDifference(to: expected.logits) <= 1e-5, "\(label)")
        }
    }

    @Test func editsBeforeThePrefixAreRefused() throws {
        let network = ImpalaNetwork.randomlyInitialized(scale: 1, seed: 3)
        let prefix = try network.prefix(Self.observations(2), upTo: "embedder.block2.conv_out")
        #expect(throws: ImpalaPolicyError.editBeforePrefix(label: "embedder.block1.conv_out", prefix: "embedder.block2.conv_out")) {
            try network.forward(from: prefix, edits: [Self.add(1, at: "embedder.block1.conv_out")])
        }
    }
}
