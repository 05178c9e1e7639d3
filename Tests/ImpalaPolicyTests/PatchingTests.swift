import ActivationPatching
import Foundation
import ImpalaPolicy
import Tensors
import Testing

@Suite struct PatchingTests {
    static let layer = "embedder.block2.res1.resadd_out"

    @Test func addingHalfEverywhereMatchesThePyTorchPatchedForward() throws {
        let network = try Fixtures.network()
        let patch = Patch.addVector(layer: Self.layer, vector: Tensor(repeating: 0.5, shape: [32, 16, 16]), coefficient: 1)
        let output = try network.forward(try Fixtures.input(), capturing: ["embedder.relufc_out"], patch: patch)
        for (n, reference) in try Fixtures.perObservation.enumerated() {
            let expected = reference["patched_add_half_ones_at_block2_res1_resadd"] as! [String: Any]
            #expect(Fixtures.close(Fixtures.row(output.logits, n), expected["logits"] as! [Double]), "obs \(n)")
            #expect(Fixtures.close(Fixtures.row(output.logSoftmax, n), expected["log_softmax"] as! [Double]), "obs \(n)")
            #expect(Fixtures.close([output.values[n]], [expected["value"] as! Double]), "obs \(n)")
            #expect(Fixtures.close(Fixtures.row(output.activations["embedder.relufc_out"]!, n),
                                   expected["hidden256"] as! [Double]), "obs \(n)")
        }
    }

    @Test func aSingleChannelCellPatchMatchesThePyTorchPatchedForward() throws {
        let network = try Fixtures.network()
        // Channel 5 set to 0 everywhere, then [5, 3, 11] = 5.0.
        let patch = Patch.setCell(layer: Self.layer, channels: .list([5]), cell: ChannelCell(row: 3, column: 11),
                                  value: 5, background: 0)
        let viaPatch = try network.forward(try Fixtures.input(), patch: patch)
        // The same edit written directly as a hook, applied on the whole batch at once.
        let hook = ActivationEdit(label: Self.layer) { x in
            for n in 0..<x.shape[0] {
                for r in 0..<16 { for c in 0..<16 { x[n, 5, r, c] = 0 } }
                x[n, 5, 3, 11] = 5
            }
        }
        let viaHook = try network.forward(try Fixtures.input(), edits: [hook])
        for (n, reference) in try Fixtures.perObservation.enumerated() {
            let expected = reference["patched_channel"] as! [String: Any]
            for output in [viaPatch, viaHook] {
                #expect(Fixtures.close(Fixtures.row(output.logits, n), expected["logits"] as! [Double]), "obs \(n)")
                #expect(Fixtures.close([output.values[n]], [expected["value"] as! Double]), "obs \(n)")
            }
        }
    }

    @Test func retargetingWithoutADefaultCopiesBatchElementZero() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input()
        let plain = try network.forward(input, capturing: [Self.layer]).activations[Self.layer]!
        let patch = Patch.setCell(layer: Self.layer, channels: .list([3, 7]), cell: ChannelCell(row: 5, column: 11),
                                  value: 5.5, background: nil)
        let patched = try network.forward(input, capturing: [Self.layer], patch: patch).activations[Self.layer]!
        for n in 0..<8 {
            for channel in [3, 7] {
                for r in 0..<16 {
                    for c in 0..<16 {
                        let expected = r == 5 && c == 11 ? 5.5 : plain[0, channel, r, c]
                        #expect(patched[n, channel, r, c] == expected)
                    }
                }
            }
            #expect(patched[n, 4, 2, 2] == plain[n, 4, 2, 2])
        }
    }

    @Test func ablationsChangeOnlyTheirChannels() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input()
        let plain = try network.forward(input, capturing: [Self.layer]).activations[Self.layer]!
        let cases: [(Ablation, (Float, Int, Int, Int) -> Float)] = [
            (.zero, { _, _, _, _ in 0 }),
            (.multiply(positive: 2, negative: -1), { v, _, _, _ in v > 0 ? 2 * v : -v }),
            (.mean(reference: nil), { _, n, r, c in (0..<8).map { plain[$0, 9, r, c] }.reduce(0, +) / 8 + 0 * Float(n) }),
        ]
        for (mode, expected) in cases {
            let patched = try network.forward(input, capturing: [Self.layer],
                                              patch: .ablate(layer: Self.layer, channels: .list([9]), mode: mode))
                .activations[Self.layer]!
            for n in 0..<8 {
                for (r, c) in [(0, 0), (7, 3), (15, 15)] {
                    #expect(abs(patched[n, 9, r, c] - expected(plain[n, 9, r, c], n, r, c)) < 1e-5, "\(mode)")
                    #expect(patched[n, 10, r, c] == plain[n, 10, r, c])
                }
            }
        }
        #expect(throws: PatchError.channelOutOfRange(layer: Self.layer, channel: 55, count: 32)) {
            try network.forward(input, patch: .ablate(layer: Self.layer, channels: .list([55]), mode: .zero))
        }
    }

    @Test func patchesComposeInOrderAndRoundTripThroughJSON() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input().batchSlice(2..<5)
        let random = Patch.addRandom(layer: Self.layer, std: 0.25, seed: 3, coefficient: 1)
        let zero = Patch.ablate(layer: Self.layer, channels: .all, mode: .zero)
        // Zeroing everything after the random vector erases it; before, it does not.
        let erased = try network.forward(input, patch: random.then(zero))
        let zeroOnly = try network.forward(input, patch: zero)
        #expect(erased.logits == zeroOnly.logits)
        let kept = try network.forward(input, patch: zero.then(random))
        #expect(kept.logits != zeroOnly.logits)
        // Deterministic: the same seed gives the same output, another seed does not.
        #expect(try network.forward(input, patch: random).logits == network.forward(input, patch: random).logits)
        let other = Patch.addRandom(layer: Self.layer, std: 0.25, seed: 4, coefficient: 1)
        #expect(try network.forward(input, patch: random).logits != network.forward(input, patch: other).logits)

        let composed = Patch.sequence([random, zero, .setCell(layer: Self.layer, channels: .list([1]),
                                                             cell: ChannelCell(row: 1, column: 2), value: 3, background: nil)])
        let json = try JSONEncoder().encode(composed)
        #expect(try JSONDecoder().decode(Patch.self, from: json) == composed)
    }

    @Test func aWrongVectorShapeIsRefused() throws {
        let network = try Fixtures.network()
        let patch = Patch.addVector(layer: Self.layer, vector: Tensor(zeros: [128, 16, 16]), coefficient: 1)
        #expect(throws: PatchError.shapeMismatch(layer: Self.layer, expected: [32, 16, 16], found: [128, 16, 16])) {
            try network.forward(Tensor(zeros: [1, 3, 64, 64]), patch: patch)
        }
    }

    @Test func shardedAndWholeBatchPassesAgree() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input()
        let vector = Tensor(repeating: 0.25, shape: [32, 16, 16])
        let independent = ActivationEdit(label: Self.layer, batchIndependent: true) { x in
            for i in 0..<x.count { x.scalars[i] += vector.scalars[i % vector.count] }
        }
        var coupled = independent
        coupled.batchIndependent = false
        let a = try network.forward(input, capturing: ["embedder.block3.conv_out"], edits: [independent])
        let b = try network.forward(input, capturing: ["embedder.block3.conv_out"], edits: [coupled])
        #expect(a.logits.maxAbsoluteDifference(to: b.logits) < 1e-5)
        #expect(a.activations["embedder.block3.conv_out"]!.maxAbsoluteDifference(
            to: b.activations["embedder.block3.conv_out"]!) < 1e-5)
    }
}
