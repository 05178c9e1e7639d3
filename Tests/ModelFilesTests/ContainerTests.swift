import Foundation
import ModelFiles
import Tensors
import Testing

@Suite struct ContainerTests {
    static let tensors = [
        LegacyCheckpointBuilder.TensorSpec(key: "layer.weight", storageKey: "1", storage: (0..<6).map(Float.init),
                                           offset: 0, shape: [2, 3], strides: [3, 1], asParameter: true),
        // A transposed view [3, 2] of a [2, 3] storage, starting one element in.
        LegacyCheckpointBuilder.TensorSpec(key: "layer.bias", storageKey: "2", storage: (0..<7).map(Float.init),
                                           offset: 1, shape: [3, 2], strides: [1, 3]),
    ]

    @Test(arguments: [LegacyCheckpointBuilder.Root.bare, .stateDict, .modelStateDict])
    func readsEveryStateDictContainer(root: LegacyCheckpointBuilder.Root) throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("small.pth")
        try Data(LegacyCheckpointBuilder.bytes(Self.tensors, root: root)).write(to: file)
        let stateDict = try CheckpointReader.loadStateDict(contentsOf: file)
        #expect(stateDict.keys == ["layer.weight", "layer.bias"])
        #expect(stateDict["layer.weight"] == Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]))
        #expect(stateDict["layer.bias"] == Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
    }

    @Test func aViewReachingPastItsStorageIsRefused() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bad = Self.tensors
        bad[1].offset = 2 // the last element would be storage[8] of 7
        let file = dir.appendingPathComponent("bad.pth")
        try Data(LegacyCheckpointBuilder.bytes(bad, root: .bare)).write(to: file)
        #expect {
            try CheckpointReader.loadStateDict(contentsOf: file)
        } throws: { error in
            if case .corrupt(file: file.path, _) = error as? ModelFileError { return true }
            return false
        }
    }

    @Test func aFileThatIsNoCheckpointIsRecognisedAsSuch() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: file)
        #expect {
            try CheckpointReader.loadStateDict(contentsOf: file)
        } throws: { error in
            if case .unrecognizedFormat(file: file.path, _) = error as? ModelFileError { return true }
            return false
        }
    }
}
