import Foundation
import ImpalaPolicy
import ModelFiles
import PolicyGradients
import Tensors
import TestSupport
import Testing

/// Gradients against PyTorch autograd (`../shared/reference/attribution/`, see its README): the first
/// observations of seeds 0..3, both scale-1 checkpoints. Measure: per seed and quantity,
/// `max |ours - reference| / max |reference|` must be at most 1e-4.
///
/// One exception is allowed for, and checked: where a max-pool window of our forward pass holds two values
/// within float rounding of each other (a near tie: the agent's seed 2 has 0.2635805 vs 0.26358044 at
/// block 1), PyTorch's own rounding may pick the other one, and the gradient then flows to another pixel
/// inside that window's receptive field. For such an observation at least 99.5% of elements must still be
/// within 1e-4 of the largest reference magnitude.
@Suite struct ReferenceGradientTests {
    static let models = ["impala_s1_seed0_perturbed", "agent-12719b00af08"]
    static let targets = ["up", "log:up", "logit:7", "value"]
    static let sites = ["embedder.block1.res1.resadd_out", "embedder.block2.res1.resadd_out",
                        "embedder.block3.res2.resadd_out", "embedder.relufc_out"]

    @Test(arguments: models)
    func inputGradientsMatchAutograd(model: String) throws {
        let reversePass = ReversePass(network: try GradientFixtures.network(model))
        let input = try GradientFixtures.observations()
        let reference = try GradientFixtures.tensor("attribution/\(model)_input_gradients.npy")
        #expect(reference.shape == [4, 4, 3, 64, 64])
        let perSeed = 3 * 64 * 64
        let nearTies = try (0..<4).map { try GradientFixtures.hasPoolNearTie(network: reversePass.network,
                                                                             input.batchElement($0)) }
        for (t, name) in Self.targets.enumerated() {
            let (_, gradient) = try reversePass.gradient(of: try GradientTarget(parsing: name), at: input)
            #expect(gradient.shape == [4, 3, 64, 64])
            for seed in 0..<4 {
                let expected = Array(reference.scalars[((seed * 4 + t) * perSeed)..<((seed * 4 + t + 1) * perSeed)])
                let ours = Array(gradient.scalars[(seed * perSeed)..<((seed + 1) * perSeed)])
                let error = GradientFixtures.relativeError(ours, expected)
                let within = GradientFixtures.fractionWithin(1e-4, ours, expected)
                #expect(error <= 1e-4 || (nearTies[seed] && within >= 0.995),
                        "\(model) seed \(seed) d \(name)/d input: relative error \(error), \(within) within 1e-4")
            }
        }
    }

    @Test(arguments: models)
    func siteGradientsMatchAutograd(model: String) throws {
        let reversePass = ReversePass(network: try GradientFixtures.network(model))
        let input = try GradientFixtures.observations()
        for site in Self.sites {
            let reference = try GradientFixtures.tensor("attribution/\(model)_site_gradients_up_\(site).npy")
            let (_, gradient) = try reversePass.gradient(of: .probability(.up), at: input, withRespectTo: .activation(site))
            #expect(gradient.shape == reference.shape, "\(site)")
            let perSeed = gradient.count / 4
            for seed in 0..<4 {
                let range = (seed * perSeed)..<((seed + 1) * perSeed)
                let error = GradientFixtures.relativeError(Array(gradient.scalars[range]), Array(reference.scalars[range]))
                #expect(error <= 1e-4, "\(model) seed \(seed) d up/d \(site): relative error \(error)")
            }
        }
    }

    @Test(arguments: models)
    func targetValuesAreTheForwardPasses(model: String) throws {
        let network = try GradientFixtures.network(model)
        let input = try GradientFixtures.observations()
        let output = try network.forward(input)
        let reversePass = ReversePass(network: network)
        let up = try reversePass.gradient(of: .probability(.up), at: input).values
        let logUp = try reversePass.gradient(of: .logProbability(.up), at: input).values
        let logit = try reversePass.gradient(of: .logit(7), at: input).values
        let value = try reversePass.gradient(of: .value, at: input).values
        for n in 0..<4 {
            #expect(abs(up[n] - output.groupProbabilities[n, 2]) <= 1e-6)
            #expect(abs(logUp[n] - log(output.groupProbabilities[n, 2])) <= 1e-5)
            #expect(abs(logit[n] - output.logits[n, 7]) <= 1e-5)
            #expect(abs(value[n] - output.values[n]) <= 1e-5)
        }
    }
}

/// The reference files and helpers the gradient suites share.
enum GradientFixtures {
    static func network(_ model: String) throws -> ImpalaNetwork {
        let path = model == "agent-12719b00af08" ? "stats/agent-12719b00af08.pth" : "impala/\(model).pth"
        return try ImpalaNetwork(contentsOf: try PackagePaths.reference(path))
    }

    /// procgen's first observations of seeds 0..3 as network input `[4, 3, 64, 64]`.
    static func observations() throws -> Tensor {
        let all = try PolicyInput.tensor(from: NumpyFile.read(
            contentsOf: try PackagePaths.reference("procgen-0.10.7/obs64_seeds_0_199.npy")))
        return all.batchSlice(0..<4)
    }

    static func tensor(_ relativePath: String) throws -> Tensor {
        try NumpyFile.read(contentsOf: try PackagePaths.reference(relativePath)).tensor
    }

    /// The share of elements with `|ours - reference| ≤ tolerance · max |reference|`.
    static func fractionWithin(_ tolerance: Float, _ ours: [Float], _ reference: [Float]) -> Double {
        let bound = tolerance * (reference.map(abs).max() ?? 0)
        return Double(zip(ours, reference).filter { abs($0 - $1) <= bound }.count) / Double(max(1, ours.count))
    }

    /// Whether any max-pool window of `input`'s forward pass (one observation) has its two largest values
    /// within 1e-6 relative of each other without being equal.
    static func hasPoolNearTie(network: ImpalaNetwork, _ input: Tensor) throws -> Bool {
        let labels = (1...3).map { "embedder.block\($0).conv_out" }
        let output = try network.forward(input, capturing: labels)
        for label in labels {
            let x = output.activations[label]!
            let (channels, size) = (x.shape[1], x.shape[2])
            for c in 0..<channels {
                for oy in 0..<(size / 2) {
                    for ox in 0..<(size / 2) {
                        var values: [Float] = []
                        for y in max(0, 2 * oy - 1)...min(size - 1, 2 * oy + 1) {
                            for xx in max(0, 2 * ox - 1)...min(size - 1, 2 * ox + 1) { values.append(x[0, c, y, xx]) }
                        }
                        values.sort(by: >)
                        if values[0] != values[1], values[0] - values[1] <= 1e-6 * abs(values[0]) { return true }
                    }
                }
            }
        }
        return false
    }

    /// `max |ours - reference| / max |reference|` (0 when both are all zeros).
    static func relativeError(_ ours: [Float], _ reference: [Float]) -> Float {
        precondition(ours.count == reference.count)
        var worst: Float = 0, scale: Float = 0
        for (a, b) in zip(ours, reference) {
            worst = max(worst, abs(a - b))
            scale = max(scale, abs(b))
        }
        return scale == 0 ? worst : worst / scale
    }
}
