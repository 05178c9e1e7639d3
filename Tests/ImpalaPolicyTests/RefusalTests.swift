import Foundation
import ImpalaPolicy
import ModelFiles
import Tensors
import Testing

@Suite struct RefusalTests {
    static func stateDict(dropping dropped: String? = nil, reshaping reshaped: String? = nil,
                          adding extra: String? = nil) throws -> StateDict {
        let original = try CheckpointReader.loadStateDict(contentsOf: Fixtures.zip)
        var entries: [(String, Tensor)] = []
        for (key, tensor) in original.entries where key != dropped {
            entries.append((key, key == reshaped ? tensor.reshaped([tensor.count]) : tensor))
        }
        if let extra { entries.append((extra, Tensor(zeros: [1]))) }
        return StateDict(file: "edited.pth", entries: entries)
    }

    @Test func aMissingKeyIsNamed() throws {
        let edited = try Self.stateDict(dropping: "embedder.block2.res1.conv2.bias")
        #expect {
            try ImpalaNetwork(stateDict: edited)
        } throws: { error in
            guard case let .missingKey(file, key, _) = error as? ModelFileError else { return false }
            return file == "edited.pth" && key == "embedder.block2.res1.conv2.bias"
        }
    }

    @Test func aWrongShapeIsNamedWithBothShapes() throws {
        let edited = try Self.stateDict(reshaping: "embedder.block3.res2.conv1.weight")
        #expect(throws: ModelFileError.wrongShape(file: "edited.pth", key: "embedder.block3.res2.conv1.weight",
                                                  expected: [32, 32, 3, 3], found: [9216])) {
            try ImpalaNetwork(stateDict: edited)
        }
    }

    @Test func anUnusedTensorIsRefused() throws {
        let edited = try Self.stateDict(adding: "embedder.block4.conv.weight")
        #expect(throws: ModelFileError.unusedKeys(file: "edited.pth", keys: ["embedder.block4.conv.weight"])) {
            try ImpalaNetwork(stateDict: edited)
        }
    }

    @Test func anUnknownLayerLabelIsNamedWithTheValidOnes() throws {
        let network = try Fixtures.network()
        #expect {
            try network.forward(Tensor(zeros: [1, 3, 64, 64]), capturing: ["embedder.block2.res1.resad_out"])
        } throws: { error in
            guard case let .unknownLabel(label, valid) = error as? ImpalaPolicyError else { return false }
            return label == "embedder.block2.res1.resad_out" && valid == ActivationLabels.all
                && "\(error)" == "unknown activation label 'embedder.block2.res1.resad_out'; did you mean 'embedder.block2.res1.resadd_out'?"
        }
        // Nothing close: the range of labels and their pattern, not all 43.
        let far = ImpalaPolicyError.unknownLabel("relu", valid: ActivationLabels.all).description
        #expect(far.contains("the 43 labels run from embedder.block1.conv_in0 to \(ActivationLabels.all.last!)")
                && !far.contains("did you mean") && far.count < 300, "\(far)")
        // A known prefix: the labels under it.
        let block = ImpalaPolicyError.unknownLabel("embedder.block3.foo", valid: ActivationLabels.all).description
        let under = ActivationLabels.all.filter { $0.hasPrefix("embedder.block3.") }
        #expect(block == "unknown activation label 'embedder.block3.foo'; labels starting 'embedder.block3.': " + under.joined(separator: ", "))
        #expect(ImpalaPolicyError.unknownLabel("fc_polcy_out", valid: ActivationLabels.all).description
                == "unknown activation label 'fc_polcy_out'; did you mean 'fc_policy_out'?")
        let edit = ActivationEdit(label: "fc_polcy_out") { _ in }
        #expect(throws: ImpalaPolicyError.unknownLabel("fc_polcy_out", valid: ActivationLabels.all)) {
            try network.forward(Tensor(zeros: [1, 3, 64, 64]), edits: [edit])
        }
    }

    @Test func aWrongInputShapeIsRefused() throws {
        let network = try Fixtures.network()
        #expect(throws: ImpalaPolicyError.invalidInput(shape: [1, 64, 64, 3])) {
            try network.forward(Tensor(zeros: [1, 64, 64, 3]))
        }
    }
}
