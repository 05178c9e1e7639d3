import ActivationPatching
import Foundation
import ImpalaPolicy
import PolicyGradients
import Tensors
import Testing

/// The reverse pass against central finite differences on a random scale-2 network (so widths other than the
/// reference checkpoints' are covered), with and without patches.
@Suite struct FiniteDifferenceTests {
    static let network = ImpalaNetwork.randomlyInitialized(scale: 2, seed: 11)

    /// Two random images in [0, 1]: a maze's flat background makes exact ties in max pooling, where the
    /// network has no gradient and a finite difference measures one side only.
    static func input() throws -> Tensor {
        var generator = SeededGenerator(seed: 8)
        let noise = generator.uniformTensor(shape: [2, 3, 64, 64], bound: 0.5)
        return Tensor(shape: noise.shape, scalars: noise.scalars.map { $0 + 0.5 })
    }

    @Test(arguments: ["up", "log:left", "logit:3", "value"])
    func observationGradientMatchesFiniteDifferences(target: String) throws {
        try Self.check(target: try GradientTarget(parsing: target), variable: .observation, epsilon: 2e-3)
    }

    @Test(arguments: ["embedder.block1.maxpool_out", "embedder.block2.res1.conv1_out", "embedder.block3.res2.resadd_out",
                      "embedder.fc_out"])
    func siteGradientMatchesFiniteDifferences(site: String) throws {
        try Self.check(target: .probability(.right), variable: .activation(site), epsilon: 1e-3)
    }

    @Test func gradientThroughAnAddedVectorAndAMultiplyAblationMatchesFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 5)
        let shape = try Self.network.activationShape(of: "embedder.block2.res1.resadd_out")
        let patch = Patch.addVector(layer: "embedder.block2.res1.resadd_out",
                                    vector: generator.uniformTensor(shape: shape, bound: 0.5), coefficient: 1)
            .then(.ablate(layer: "embedder.block1.res2.relu2_out", channels: .list([0, 3, 9]),
                          mode: .multiply(positive: 3, negative: 0.5)))
        try Self.check(target: .probability(.up), variable: .observation, epsilon: 2e-3,
                       edits: try patch.edits(for: Self.network))
    }

    /// With channel c of `relu1` zeroed, channel c of the residual block's input receives gradient only
    /// through the skip connection: exactly the gradient at the block's output (without the ablation it also
    /// receives the residual branch's).
    @Test func aZeroAblatedChannelPassesNoGradient() throws {
        let channel = 5
        let edits = try Patch.ablate(layer: "embedder.block2.res1.relu1_out", channels: .list([channel]), mode: .zero)
            .edits(for: Self.network)
        let reversePass = ReversePass(network: Self.network)
        let input = try Self.input()
        func channelMaps(_ edits: [ActivationEdit]) throws -> (input: [Float], output: [Float]) {
            let plane = 16 * 16, channels = Self.network.channels[1]
            func take(_ label: String) throws -> [Float] {
                let g = try reversePass.gradient(of: .value, at: input, withRespectTo: .activation(label), edits: edits).gradient
                var maps: [Float] = []
                for n in 0..<2 {
                    let start = (n * channels + channel) * plane
                    maps += g.scalars[start..<(start + plane)]
                }
                return maps
            }
            return (try take("embedder.block2.maxpool_out"), try take("embedder.block2.res1.resadd_out"))
        }
        let plain = try channelMaps([])
        #expect(plain.input != plain.output, "the residual branch should carry gradient into channel \(channel)")
        let ablated = try channelMaps(edits)
        #expect(ablated.input == ablated.output)
    }

    @Test func anEditWithoutADerivativeRefusesOnlyOnTheGradientsPath() throws {
        let edits = try Patch.ablate(layer: "embedder.block2.res1.relu1_out", channels: .list([1]), mode: .mean(reference: nil))
            .edits(for: Self.network)
        let reversePass = ReversePass(network: Self.network)
        let input = try Self.input()
        #expect(throws: GradientError.notDifferentiable(summary: "a mean ablation over the batch at embedder.block2.res1.relu1_out",
                                                        label: "embedder.block2.res1.relu1_out")) {
            try reversePass.gradient(of: .probability(.up), at: input, edits: edits)
        }
        let later = try reversePass.gradient(of: .probability(.up), at: input,
                                             withRespectTo: .activation("embedder.block2.res1.conv1_out"), edits: edits)
        #expect(later.gradient.shape == [2, 64, 16, 16])
    }

    @Test func chunksGiveTheWholeBatchsGradient() throws {
        let input = try GradientFixtures.observations()
        let whole = try ReversePass(network: Self.network, batchLimit: 32).gradient(of: .probability(.up), at: input)
        let chunked = try ReversePass(network: Self.network, batchLimit: 3).gradient(of: .probability(.up), at: input)
        #expect(GradientFixtures.relativeError(chunked.gradient.scalars, whole.gradient.scalars) <= 1e-5)
        #expect(zip(chunked.values, whole.values).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test func badTargetsAreRefused() throws {
        #expect(throws: GradientError.unknownTarget("upward")) { try GradientTarget(parsing: "upward") }
        #expect(throws: GradientError.logitOutOfRange(15, actionCount: 15)) {
            try ReversePass(network: Self.network).gradient(of: .logit(15), at: try Self.input())
        }
        #expect(try GradientTarget(parsing: "log:noop") == .logProbability(.noop))
        #expect(try GradientTarget(parsing: "logit:14").description == "logit:14")
    }

    /// Compares the gradient with central differences `(f(x + εe_i) − f(x − εe_i)) / 2ε` at the six
    /// coordinates `i` of largest |gradient| per observation, within 3% plus 1e-5 plus f's float32 rounding
    /// over `2ε` (that, and a ReLU kink crossed inside `±ε`, are the slack).
    static func check(target: GradientTarget, variable: GradientVariable, epsilon: Float,
                      edits: [ActivationEdit] = []) throws {
        let reversePass = ReversePass(network: network)
        let input = try input()
        let (_, gradient) = try reversePass.gradient(of: target, at: input, withRespectTo: variable, edits: edits)
        let perObservation = gradient.count / 2
        for n in 0..<2 {
            let offsets = (0..<perObservation).sorted { abs(gradient.scalars[n * perObservation + $0])
                > abs(gradient.scalars[n * perObservation + $1]) }.prefix(6)
            for offset in offsets {
                let index = n * perObservation + offset
                func value(_ sign: Float) throws -> Float {
                    switch variable {
                    case .observation:
                        var moved = input
                        moved.scalars[index] += sign * epsilon
                        return target.values(in: try network.forward(moved, edits: edits, path: .ordinary))[n]
                    case let .activation(label):
                        let nudge = ActivationEdit(label: label, batchIndependent: false) { x in
                            x.scalars[index] += sign * epsilon
                        }
                        return target.values(in: try network.forward(input, edits: edits + [nudge], path: .ordinary))[n]
                    }
                }
                let plus = try value(1), minus = try value(-1)
                let numeric = (Double(plus) - Double(minus)) / (2 * Double(epsilon))
                let analytic = Double(gradient.scalars[index])
                // Rounding of f: a few units in the last place of |f| over 2ε.
                let rounding = 4 * Double(max(plus.magnitude, minus.magnitude).ulp) / (2 * Double(epsilon))
                #expect(abs(numeric - analytic) <= 3e-2 * abs(analytic) + 1e-5 + rounding,
                        "\(target) \(variable) element \(index): finite difference \(numeric), gradient \(analytic)")
            }
        }
    }
}
