import Foundation
import ModelFiles
import Tensors
import Testing

/// The fuzzers' seeds (Fuzz/Corpus, written by Fuzz/make_corpus.py) are valid inputs, so fuzzing starts from
/// files that reach every stage of the readers.
@Suite struct FuzzSeedTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Fuzz/Corpus")

    static func seeds(_ harness: String) -> [String] {
        let folder = corpus.appendingPathComponent(harness).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(harness)/\($0)" }
    }

    /// The parameterised tests below pass with zero cases if the corpus moves or empties: this one fails then.
    @Test func everyHarnessHasItsSeeds() {
        for (harness, least) in [("LegacyCheckpointFuzzer", 2), ("ZipCheckpointFuzzer", 1), ("SafeTensorsFuzzer", 1),
                                 ("NumpyFuzzer", 5)] {
            #expect(Self.seeds(harness).count >= least, "Fuzz/Corpus/\(harness) holds fewer than \(least) seeds")
        }
    }

    @Test(arguments: seeds("LegacyCheckpointFuzzer") + seeds("ZipCheckpointFuzzer") + seeds("SafeTensorsFuzzer"))
    func checkpointSeedsLoad(seed: String) throws {
        let loaded = try CheckpointReader.loadStateDict(contentsOf: Self.corpus.appendingPathComponent(seed))
        #expect(!loaded.keys.isEmpty)
    }

    @Test func theLegacySeedHoldsTheViewsItDescribes() throws {
        let loaded = try CheckpointReader.loadStateDict(
            contentsOf: Self.corpus.appendingPathComponent("LegacyCheckpointFuzzer/legacy.pth"))
        #expect(loaded.keys == ["conv.weight", "conv.bias", "fc.weight", "fc.bias", "scale"])
        #expect(loaded["fc.weight"] == Tensor(shape: [3, 2], scalars: [0, 1.5, 0.5, 2, 1, 2.5]))
        #expect(loaded["fc.bias"] == Tensor(shape: [2, 2], scalars: [0.25, 1.5, -4, 8]))
        #expect(loaded["scale"] == Tensor(shape: [], scalars: [3]))
    }

    @Test(arguments: seeds("NumpyFuzzer"))
    func numpySeedsLoad(seed: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(seed)))
        _ = try NumpyFile.read(bytes: bytes, file: seed)
    }
}
