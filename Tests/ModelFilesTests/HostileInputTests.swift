import Foundation
import ModelFiles
import Tensors
import Testing

/// Damaged or malicious checkpoints and arrays: each is refused with one `ModelFileError` naming the file,
/// before memory is allocated for what it claims, never with a trap, a hang or a huge allocation. The inputs
/// found by the fuzzers in Fuzz/ are here too (see Scripts/fuzz.sh).
@Suite struct HostileInputTests {
    static func refusal(_ load: () throws -> Any) -> ModelFileError? {
        do {
            _ = try load()
            return nil
        } catch {
            return error as? ModelFileError
        }
    }

    static func tooLarge(_ error: ModelFileError?, mentioning words: [String]) -> Bool {
        guard case let .tooLarge(_, detail)? = error else { return false }
        return words.allSatisfy(detail.contains)
    }

    // MARK: - Storages and shapes a pickle claims

    @Test func aPickleClaimingATrillionElementStorageIsRefusedFromThePickleAlone() {
        let pickle = HostilePickle.stateDict([("fc.weight", HostilePickle.tensor(
            storageCount: 1_000_000_000_000, shape: [1_000_000, 1_000_000], strides: [1_000_000, 1]))])
        let error = Self.refusal {
            try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": [0, 0, 0, 0]], file: "huge.pth")
        }
        #expect(Self.tooLarge(error, mentioning: ["fc.weight", "1000000000000", "CheckpointLimits.maximumBytes"]))
        #expect(!"\(error!)".contains("\n") && "\(error!)".hasPrefix("huge.pth: refusing to load"))
    }

    @Test func aZeroStrideViewExpandingOneElementToATrillionIsRefused() {
        // Within its 1-element storage, but 10^12 elements once gathered.
        let pickle = HostilePickle.stateDict([("w", HostilePickle.tensor(
            storageCount: 1, shape: [1_000_000, 1_000_000], strides: [0, 0]))])
        let error = Self.refusal {
            try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": [0, 0, 128, 63]], file: "broadcast.pth")
        }
        #expect(Self.tooLarge(error, mentioning: ["'w'", "CheckpointLimits.maximumElements"]))
    }

    @Test func manyViewsOfOneStorageCountAgainstTheElementLimit() throws {
        let view = HostilePickle.tensor(storageCount: 1024, shape: [1024], strides: [1])
        let pickle = HostilePickle.stateDict((0..<5).map { ("w\($0)", view) })
        let storage = [UInt8](repeating: 0, count: 4096)
        let limits = CheckpointLimits(maximumElements: 4096, maximumBytes: 1 << 20)
        let error = Self.refusal {
            try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": storage], file: "views.pth", limits: limits)
        }
        #expect(Self.tooLarge(error, mentioning: ["'w4'", "4096"]))
        let four = HostilePickle.stateDict((0..<4).map { ("w\($0)", view) })
        let loaded = try CheckpointReader.loadStateDict(pickle: four, storages: ["0": storage], file: "views.pth", limits: limits)
        #expect(loaded.keys.count == 4)
    }

    @Test(arguments: [
        ([1 << 40, 1 << 40], [1, 1]),          // the element count overflows
        ([3, 1 << 62], [1 << 62, 1]),          // the last element's index overflows
        ([2, 2], [Int.max, 1]),                // (extent - 1) * stride overflows
        ([1 << 40, 1 << 40, 0], [0, 0, 1]),    // empty, but Tensor.init's product overflows before the 0
    ])
    func shapesAndStridesThatOverflowAreRefusedWithoutATrap(shape: [Int], strides: [Int]) {
        let pickle = HostilePickle.stateDict([("w", HostilePickle.tensor(storageCount: 4, shape: shape, strides: strides))])
        let error = Self.refusal {
            try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": [UInt8](repeating: 0, count: 16)], file: "f.pth")
        }
        switch error {
        case .tooLarge(file: "f.pth", _)?, .corrupt(file: "f.pth", _)?: break
        default: Issue.record("expected tooLarge or corrupt, got \(String(describing: error))")
        }
    }

    @Test func anEmptyTensorStartingPastItsStorageIsCorruptNotATrap() {
        let pickle = HostilePickle.stateDict([("empty", HostilePickle.tensor(
            storageCount: 0, offset: 1000, shape: [0, 3], strides: [3, 1]))])
        let error = Self.refusal { try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": []], file: "e.pth") }
        guard case let .corrupt(file, detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "e.pth" && detail.contains("'empty'"))
    }

    @Test func anEmptyTensorInsideItsStorageStillLoads() throws {
        let pickle = HostilePickle.stateDict([("empty", HostilePickle.tensor(
            storageCount: 0, shape: [0, 3], strides: [3, 1]))])
        let loaded = try CheckpointReader.loadStateDict(pickle: pickle, storages: ["0": []], file: "e.pth")
        #expect(loaded["empty"]?.shape == [0, 3])
    }

    // MARK: - Legacy storage table

    @Test(arguments: [1 << 62, -5, Int.max])
    func aLegacyStorageTableCountBeyondTheFileIsTruncatedNotATrap(count: Int) {
        let object = [0x7D] + LegacyCheckpointBuilder.string("w")
            + HostilePickle.tensor(storageCount: 1, shape: [1], strides: [1]) + [0x73]
        let bytes = HostilePickle.legacy(object: object, table: [("0", count, [0, 0, 128, 63])])
        let error = Self.refusal { try CheckpointReader.loadStateDict(bytes: bytes, file: "legacy.pth") }
        guard case let .truncated(file, detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "legacy.pth" && detail.contains("storage '0'"))
    }

    // MARK: - The unpickler's own bounds

    @Test func memoReferencesThatWouldExpandExponentiallyAreRefused() {
        // t = (); then 60 times: t = (t, t) through the memo. 2^60 values once expanded, in ~400 bytes.
        var pickle: [UInt8] = [0x80, 0x02, 0x29, 0x71, 0x00]
        for _ in 0..<60 { pickle += [0x68, 0x00, 0x68, 0x00, 0x86, 0x71, 0x00] }
        pickle += [0x2E]
        var unpickler = SafeUnpickler(bytes: pickle, file: "bomb.pkl")
        let error = Self.refusal { try unpickler.load() }
        guard case let .corrupt(file, detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "bomb.pkl" && detail.contains("memo"))
    }

    @Test func deeplyNestedTuplesAreRefusedWithoutExhaustingTheStack() {
        // NONE, then 200,000 TUPLE1: releasing such a chain recursively would overflow the stack.
        let pickle: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 200_000) + [0x2E]
        var unpickler = SafeUnpickler(bytes: pickle, file: "deep.pkl")
        let error = Self.refusal { try unpickler.load() }
        guard case let .corrupt(_, detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(detail.contains("200"))
    }

    @Test func deeplyNestedListsAreRefusedAndReleased() {
        // 100,000 lists, each appended into the previous one (through the memo): converted values are depth
        // limited, and the containers are dismantled one by one rather than released recursively.
        var pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00]
        for _ in 0..<100_000 {
            // new = []; memo[1] = new; memo[0].append(new); memo[0] = new (the stack keeps only the root)
            pickle += [0x5D, 0x71, 0x01, 0x30, 0x68, 0x00, 0x68, 0x01, 0x61, 0x30, 0x68, 0x01, 0x71, 0x00, 0x30]
        }
        pickle += [0x2E]
        var unpickler = SafeUnpickler(bytes: pickle, file: "lists.pkl")
        #expect(Self.refusal { try unpickler.load() } != nil)
    }

    @Test func aListContainingItselfIsCorrupt() {
        // l = []; l.append(l)
        let pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
        var unpickler = SafeUnpickler(bytes: pickle, file: "cycle.pkl")
        guard case .corrupt? = Self.refusal({ try unpickler.load() }) else { Issue.record("not refused"); return }
    }

    // MARK: - safetensors

    static func safetensors(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let text = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(text.count).littleEndian, Array.init) + text + data
    }

    @Test(arguments: [
        #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4611686018427387904]}}"#,
        #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-9223372036854775807,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}"#,
    ])
    func safetensorsHeadersWithAbsurdSizesAreRefusedWithoutATrap(header: String) {
        let bytes = Self.safetensors(header, data: [UInt8](repeating: 0, count: 8))
        let error = Self.refusal { try CheckpointReader.loadStateDict(bytes: bytes, file: "w.safetensors") }
        switch error {
        case .corrupt(file: "w.safetensors", _)?, .truncated(file: "w.safetensors", _)?: break
        default: Issue.record("expected corrupt or truncated, got \(String(describing: error))")
        }
    }

    // MARK: - .npy

    static func npy(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let text = Array(header.utf8)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    @Test func anNpyShapeWhoseElementCountOverflowsIsRefusedNamingTheField() {
        let bytes = Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n")
        let error = Self.refusal { try NumpyFile.read(bytes: bytes, file: "obs.npy") }
        #expect(Self.tooLarge(error, mentioning: ["'shape'", "overflows"]))
    }

    @Test func anEmptyNpyShapeWhoseOtherExtentsOverflowIsRefused() {
        // Found by NumpyFuzzer: read as an empty array, it trapped in `tensor` (Tensor.init multiplies in order).
        let bytes = Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (33333333, 333333233333, 0, 7), }\n")
        let error = Self.refusal { try NumpyFile.read(bytes: bytes, file: "empty.npy").tensor }
        #expect(Self.tooLarge(error, mentioning: ["'shape'"]))
        let fine = Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0, 7), }\n")
        #expect((try? NumpyFile.read(bytes: fine, file: "empty.npy").tensor.shape) == [3, 0, 7])
    }

    @Test(arguments: ["(1000000000000,)", "(2305843009213693952,)", "(100000, 100000, 100000)"])
    func anNpyShapeLargerThanTheFileIsTruncatedBeforeAllocating(shape: String) {
        let bytes = Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }\n", data: [0, 0, 0, 0])
        let error = Self.refusal { try NumpyFile.read(bytes: bytes, file: "obs.npy") }
        switch error {
        case .truncated(file: "obs.npy", _)?, .tooLarge(file: "obs.npy", _)?: break
        default: Issue.record("got \(String(describing: error))")
        }
    }
}
