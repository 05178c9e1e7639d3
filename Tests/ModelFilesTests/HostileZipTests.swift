import Foundation
import ModelFiles
import Tensors
import Testing

/// Zip checkpoints whose headers lie about sizes (zip bombs and damaged downloads): refused from the headers,
/// before the memory they claim is allocated, or stopped as soon as an entry inflates past what it declares.
@Suite struct HostileZipTests {
    static let pickle = HostilePickle.stateDict([("w", HostilePickle.tensor(storageCount: 6, shape: [2, 3], strides: [3, 1]))])
    static let storage: [UInt8] = (0..<6).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }

    static func refusal(_ bytes: [UInt8], limits: CheckpointLimits = .standard) -> ModelFileError? {
        do {
            _ = try CheckpointReader.loadStateDict(bytes: bytes, file: "bomb.pth", limits: limits)
            return nil
        } catch {
            return error as? ModelFileError
        }
    }

    @Test func theHandWrittenArchiveLoads() throws {
        let zip = HostileZip.archive([.init(name: "archive/data.pkl", data: Self.pickle),
                                      .init(name: "archive/data/0", data: HostileZip.storedDeflate(Self.storage),
                                            deflated: true, declaredSize: UInt32(Self.storage.count),
                                            crc: HostileZip.crc32(Self.storage))])
        let loaded = try CheckpointReader.loadStateDict(bytes: zip, file: "ok.pth")
        #expect(loaded["w"] == Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]))
    }

    @Test func aStoredEntryClaimingFourGiBIsRefusedFromItsHeader() throws {
        let zip = HostileZip.archive([.init(name: "archive/data.pkl", data: Self.pickle, declaredSize: 0xFFFF_FFF0)])
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bomb.pth")
        try Data(zip).write(to: file)
        #expect {
            try CheckpointReader.loadStateDict(contentsOf: file)
        } throws: { error in
            guard case let .corrupt(path, detail) = error as? ModelFileError else { return false }
            return path == file.path && detail.contains("archive/data.pkl") && detail.contains("4294967280")
        }
    }

    @Test func aDeflatedEntryClaimingMoreThanDeflateCanProduceIsRefused() {
        let zip = HostileZip.archive([.init(name: "archive/data.pkl", data: HostileZip.storedDeflate(Self.pickle),
                                            deflated: true, declaredSize: 0xFFFF_FFF0)])
        guard case let .corrupt(_, detail)? = Self.refusal(zip) else { Issue.record("not refused as corrupt"); return }
        #expect(detail.contains("archive/data.pkl"))
    }

    @Test func entriesOverTheByteLimitAreRefusedBeforeInflating() {
        // 64 KiB of storage declared, plausible for 8 KiB of deflate, but over a 16 KiB limit.
        let compressed = HostileZip.storedDeflate([UInt8](repeating: 7, count: 8192))
        let zip = HostileZip.archive([.init(name: "archive/data.pkl", data: Self.pickle),
                                      .init(name: "archive/data/0", data: compressed, deflated: true, declaredSize: 65536)])
        let error = Self.refusal(zip, limits: CheckpointLimits(maximumElements: 1 << 20, maximumBytes: 16384))
        guard case let .tooLarge(file, detail)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "bomb.pth" && detail.contains("archive/data/0") && detail.contains("CheckpointLimits.maximumBytes"))
    }

    @Test func anEntryInflatingPastItsDeclaredSizeIsStopped() {
        // Declares 24 bytes, inflates to 4,000: extraction stops at byte 24 instead of following the stream.
        let zip = HostileZip.archive([.init(name: "archive/data.pkl", data: Self.pickle),
                                      .init(name: "archive/data/0", data: HostileZip.storedDeflate([UInt8](repeating: 1, count: 4000)),
                                            deflated: true, declaredSize: 24)])
        guard case let .corrupt(_, detail)? = Self.refusal(zip) else { Issue.record("not refused as corrupt"); return }
        #expect(detail.contains("inflates to more than the 24 bytes"))
    }

    @Test func anArchiveWhoseOffsetsPointPastItsEndIsAnErrorNotATrap() {
        // Found by ZipCheckpointFuzzer: ZIPFoundation's in-memory archive traps on such offsets.
        var zip = HostileZip.archive([.init(name: "archive/data.pkl", data: Self.pickle)])
        let end = zip.count - 22
        zip[end + 16] = 0xF0 // the central directory's offset, now far past the end
        zip[end + 17] = 0xFF
        #expect(Self.refusal(zip) != nil)
    }

    /// ZipCheckpointFuzzer's first find (462 bytes): central directory offsets past the end of the archive,
    /// on which ZIPFoundation's in-memory `Archive(data:)` traps ("Range requires lowerBound <= upperBound").
    static let fuzzerFoundArchive = [UInt8](Data(base64Encoded: [
        "UEsDBBQAAOaLrl/z6vSy6ssu0Ah7jrpG2PcVHfXADa5i4qkDwqsUr8V6e3YyrxTeXAa66PJ2zKPBwMuHhHcpDhux6/RmTuW0/Kns",
        "vw/gaIFR4nHtIt4v8EFsuWl3n9nEmmZe4+MxPjXN8C9QSwMEFAAAAAgAMEB8XYU94xkIAAAABgAAABEAAABhcmNoaXZlL2J5dGVv",
        "cmRlcsvJLCnJSQUAUEsDBBQAAAAIADBAfF1TuVfNEwAAABgAAAAOAAAAYWVvcmRlclBLAQIUAxQAAAAAADBAfF1TuVfNGAAAABgA",
        "AAAOAAAAAAAAAAAAAACAAUwCAABhcmNoaXZlL2RhdGEvMFBLAQIUAxQAAAAAADBAfF0jJugDDAAAAAwAAAAOAAAAAAAAAAAAAACA",
        "AZACAABhcmNoaXZlL2RhdGEvMVBLAQIUAxQAAAAAADBAfF3xr77JCAAAAAgAAAAOAAAAAAAAAAAAAACAAcgCAABhcmNoaXZlL2Rh",
        "dGEvMlBLAQIUAxQAAAAAADBAfF3RnmdVAgAAAAIAAAAPAAAAAAAAAAAAAACAAfwCAABhcmNoaXZlL3ZlcnNpb25QSwUGAAAAAAYA",
        "BgBuAQAAKwMAAAAA",
    ].joined())!)

    @Test func theFuzzerFoundArchiveIsAnErrorNotATrap() {
        #expect(Self.fuzzerFoundArchive.count == 462)
        #expect(Self.refusal(Self.fuzzerFoundArchive) != nil)
    }
}
