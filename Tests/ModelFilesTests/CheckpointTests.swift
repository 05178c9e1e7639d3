import Foundation
import ModelFiles
import Tensors
import Testing

@Suite struct CheckpointTests {
    @Test(arguments: [Fixtures.zip, Fixtures.legacy, Fixtures.safetensors, Fixtures.withOptimizer])
    func loadsAll36TensorsMatchingTheRecordedSummary(file: URL) throws {
        let stateDict = try CheckpointReader.loadStateDict(contentsOf: file)
        let expected = try Fixtures.reference()["state_dict"] as! [[String: Any]]
        #expect(stateDict.count == 36)
        for item in expected {
            let key = item["key"] as! String
            let tensor = try #require(stateDict[key], "missing \(key)")
            #expect(tensor.shape == (item["shape"] as! [Int]), "\(key)")
            if file != Fixtures.withOptimizer { // that file holds the weights after one Adam step
                #expect(tensor.scalars.first == Float(item["first"] as! Double), "\(key)")
                #expect(tensor.scalars.last == Float(item["last"] as! Double), "\(key)")
                let sum = tensor.scalars.reduce(0.0) { $0 + Double($1) }
                #expect(abs(sum - (item["sum"] as! Double)) < 1e-9 * max(1, Double(tensor.count)), "\(key)")
            }
        }
    }

    @Test func zipLegacyAndSafetensorsGiveIdenticalTensors() throws {
        let zip = try CheckpointReader.loadStateDict(contentsOf: Fixtures.zip)
        let legacy = try CheckpointReader.loadStateDict(contentsOf: Fixtures.legacy)
        let safetensors = try CheckpointReader.loadStateDict(contentsOf: Fixtures.safetensors)
        let optimizer = try CheckpointReader.loadStateDict(contentsOf: Fixtures.withOptimizer)
        #expect(zip.keys == legacy.keys)
        #expect(Set(zip.keys) == Set(safetensors.keys))
        #expect(zip.keys == optimizer.keys)
        for key in zip.keys {
            #expect(zip[key] == legacy[key], "\(key)")
            #expect(zip[key] == safetensors[key], "\(key)")
            // One Adam step with lr 5e-4 moves every weight by at most the learning rate.
            #expect(zip[key]!.maxAbsoluteDifference(to: optimizer[key]!) <= 5.01e-4, "\(key)")
        }
    }

    @Test func truncatedFilesAreRefusedAsTruncated() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for source in [Fixtures.zip, Fixtures.legacy, Fixtures.safetensors] {
            let bytes = try Data(contentsOf: source)
            let cut = dir.appendingPathComponent("cut-" + source.lastPathComponent)
            try bytes.prefix(bytes.count / 2).write(to: cut)
            #expect {
                try CheckpointReader.loadStateDict(contentsOf: cut)
            } throws: { error in
                guard case let .truncated(file, _) = error as? ModelFileError else { return false }
                return file == cut.path
            }
        }
    }

    @Test func aDamagedZipEntryFailsItsChecksum() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = try Data(contentsOf: Fixtures.zip)
        bytes[bytes.count / 2] ^= 0xFF // inside the 2 MB embedder.fc.weight storage
        let damaged = dir.appendingPathComponent("damaged.pth")
        try bytes.write(to: damaged)
        #expect {
            try CheckpointReader.loadStateDict(contentsOf: damaged)
        } throws: { error in
            guard case let .corrupt(file, detail) = error as? ModelFileError else { return false }
            return file == damaged.path && detail.contains("CRC")
        }
    }

    @Test func aMissingFileNamesThePath() {
        let missing = Fixtures.directory.appendingPathComponent("no-such-model.pth")
        #expect {
            try CheckpointReader.loadStateDict(contentsOf: missing)
        } throws: { error in
            guard case let .unreadable(file, _) = error as? ModelFileError else { return false }
            return file == missing.path && "\(error)".contains("no-such-model.pth")
        }
    }
}
