import Foundation
import ModelFiles
import Testing

@Suite struct UnpicklerTests {
    /// `os.system('echo pwned')` as protocol-2 bytes: PROTO 2, GLOBAL 'os system', the argument tuple, REDUCE.
    static let maliciousPickle: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\n".utf8)
        + [0x58] + [10, 0, 0, 0] + Array("echo pwned".utf8) + [0x85, 0x52, 0x2E]

    @Test func refusesAGlobalOutsideTheAllowList() {
        var unpickler = SafeUnpickler(bytes: Self.maliciousPickle, file: "evil.pkl")
        #expect(throws: ModelFileError.disallowedGlobal(file: "evil.pkl", module: "os", name: "system")) {
            try unpickler.load()
        }
        let message = "\(ModelFileError.disallowedGlobal(file: "evil.pkl", module: "os", name: "system"))"
        #expect(message.contains("os.system") && message.contains("evil.pkl"))
    }

    @Test func refusesAMaliciousGlobalInsideACheckpointFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A legacy-format file whose object pickle calls builtins.eval: refused before anything runs.
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let version: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        let info: [UInt8] = [0x80, 0x02, 0x7D, 0x2E]
        let object: [UInt8] = [0x80, 0x02] + Array("cbuiltins\neval\n".utf8)
            + [0x58, 4, 0, 0, 0] + Array("1+1 ".utf8) + [0x85, 0x52, 0x2E]
        let file = dir.appendingPathComponent("evil.pth")
        try Data(magic + version + info + object).write(to: file)
        #expect(throws: ModelFileError.disallowedGlobal(file: file.path, module: "builtins", name: "eval")) {
            try CheckpointReader.loadStateDict(contentsOf: file)
        }
    }

    @Test func refusesObjectBuildingOpcodes() {
        // INST 'os system' (protocol 0 class instantiation) is never implemented.
        let bytes: [UInt8] = [0x28] + Array("ios\nsystem\n".utf8) + [0x2E]
        var unpickler = SafeUnpickler(bytes: bytes, file: "inst.pkl")
        #expect(throws: ModelFileError.unsupportedPickleOpcode(file: "inst.pkl", opcode: 0x69, offset: 1)) {
            try unpickler.load()
        }
    }

    @Test func readsPlainContainersAndSharedReferences() throws {
        // {'a': [1, 2.5, None, True], 'b': <same list>, 'c': ('x', -3)}, list appended after memoization.
        var bytes: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        bytes += [0x8C, 1] + Array("a".utf8) + [0x5D, 0x71, 0x01, 0x28, 0x4B, 0x01]
        bytes += [0x47] + withUnsafeBytes(of: (2.5).bitPattern.bigEndian, Array.init) + [0x4E, 0x88, 0x65]
        bytes += [0x8C, 1] + Array("b".utf8) + [0x68, 0x01]
        bytes += [0x8C, 1] + Array("c".utf8) + [0x8C, 1] + Array("x".utf8) + [0x4A] + [0xFD, 0xFF, 0xFF, 0xFF] + [0x86]
        bytes += [0x75, 0x2E]
        var unpickler = SafeUnpickler(bytes: bytes, file: "plain.pkl")
        let value = try unpickler.load()
        let list = PickleValue.list([.int(1), .float(2.5), .none, .bool(true)])
        #expect(value["a"] == list)
        #expect(value["b"] == list)
        #expect(value["c"] == .tuple([.string("x"), .int(-3)]))
        #expect(unpickler.position == bytes.count)
    }

    @Test func aTruncatedPickleIsReportedAsTruncated() {
        let bytes = Array(Self.maliciousPickle.prefix(1)) // PROTO without its argument
        var unpickler = SafeUnpickler(bytes: bytes, file: "short.pkl")
        #expect {
            try unpickler.load()
        } throws: { error in
            if case .truncated(file: "short.pkl", _) = error as? ModelFileError { return true }
            return false
        }
    }
}
