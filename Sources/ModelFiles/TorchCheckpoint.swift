import Foundation
import Tensors
import ZIPFoundation

/// Reads the tensors of a model checkpoint, whatever its container:
/// - PyTorch `.pth` zip format (torch >= 1.6): `<stem>/data.pkl` plus storages `<stem>/data/<key>`;
/// - PyTorch legacy format (before 1.6): consecutive pickles followed by raw storages;
/// - safetensors.
///
/// The state dict is taken from `{'model_state_dict': ...}` (an `optimizer_state_dict` beside it is ignored),
/// from `{'state_dict': ...}`, or from a bare dict of tensors. Nothing in the file is ever executed.
public enum CheckpointReader {
    /// Loads every tensor of the checkpoint's state dict as Float32 (other float and integer element
    /// types are converted). Sizes the file declares are checked against `limits` before anything is
    /// allocated (see `CheckpointLimits`). - Throws: `ModelFileError` naming the file and what went wrong.
    public static func loadStateDict(contentsOf url: URL, limits: CheckpointLimits = .standard) throws -> StateDict {
        let file = url.path
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url, options: .alwaysMapped))
        } catch {
            throw ModelFileError.unreadable(file: file, reason: error.localizedDescription)
        }
        if isZip(bytes) {
            let archive: Archive
            do {
                archive = try Archive(url: url, accessMode: .read)
            } catch {
                throw zipError(error, file: file)
            }
            return try loadZip(archive, archiveSize: bytes.count, file: file, limits: limits)
        }
        return try loadStateDict(bytes: bytes, file: file, limits: limits)
    }

    /// Loads a checkpoint held in memory, as `loadStateDict(contentsOf:)` does a file; `file` names it in
    /// errors and, when it ends in `.safetensors`, selects that format for bytes that do not announce another.
    ///
    /// A zip checkpoint is read through a temporary file: ZIPFoundation's in-memory archive
    /// (`Archive(data:accessMode:)`) traps when an offset in the archive points past its end (found by
    /// `ZipCheckpointFuzzer`), while its file-backed reader reports an error.
    public static func loadStateDict(bytes: [UInt8], file: String,
                                     limits: CheckpointLimits = .standard) throws -> StateDict {
        if isZip(bytes) {
            let staged = FileManager.default.temporaryDirectory
                .appendingPathComponent("mazerender-checkpoint-\(UUID().uuidString).zip")
            do {
                try Data(bytes).write(to: staged)
            } catch {
                throw ModelFileError.unreadable(
                    file: file, reason: "cannot stage the zip archive at \(staged.path): \(error.localizedDescription)")
            }
            defer { try? FileManager.default.removeItem(at: staged) }
            let archive: Archive
            do {
                archive = try Archive(url: staged, accessMode: .read)
            } catch {
                throw zipError(error, file: file)
            }
            return try loadZip(archive, archiveSize: bytes.count, file: file, limits: limits)
        }
        if bytes.first == 0x80 {
            return try LegacyCheckpoint.load(bytes: bytes, file: file, limits: limits)
        }
        if SafeTensors.looksLikeSafeTensors(bytes) || file.hasSuffix(".safetensors") {
            return try SafeTensors.load(bytes: bytes, file: file, limits: limits)
        }
        throw ModelFileError.unrecognizedFormat(
            file: file, detail: bytes.isEmpty ? "the file is empty" : "unknown leading bytes")
    }

    /// Reads the state dict of a zip checkpoint's `data.pkl` whose storages are already at hand, keyed as the
    /// pickle names them (the zip entry `<stem>/data/<key>`).
    public static func loadStateDict(pickle: [UInt8], storages: [String: [UInt8]], file: String,
                                     limits: CheckpointLimits = .standard) throws -> StateDict {
        var unpickler = SafeUnpickler(bytes: pickle, file: file)
        let root = try unpickler.load()
        return try TensorMaterializer.stateDict(from: root, file: file, limits: limits) { storage in
            guard let bytes = storages[storage.key] else {
                throw ModelFileError.corrupt(file: file, detail: "storage '\(storage.key)' is missing")
            }
            return bytes[...]
        }
    }

    // MARK: - zip format

    private static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    private static func zipError(_ error: Error, file: String) -> ModelFileError {
        if case Archive.ArchiveError.missingEndOfCentralDirectoryRecord = error {
            return .truncated(file: file, detail: "the zip archive has no central directory")
        }
        return .corrupt(file: file, detail: "zip: \(error)")
    }

    private static func loadZip(_ archive: Archive, archiveSize: Int, file: String,
                                limits: CheckpointLimits) throws -> StateDict {
        let entries = Array(archive)
        guard let pickleEntry = entries.first(where: { $0.path == "data.pkl" || $0.path.hasSuffix("/data.pkl") })
        else {
            throw ModelFileError.unrecognizedFormat(file: file, detail: "a zip archive without a data.pkl entry")
        }
        var extractor = ZipExtractor(archive: archive, archiveSize: archiveSize, file: file,
                                     budget: SizeBudget(limit: limits.maximumBytes))
        let prefix = String(pickleEntry.path.dropLast("data.pkl".count))
        var unpickler = SafeUnpickler(bytes: try extractor.extract(pickleEntry), file: file)
        let root = try unpickler.load()
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var cache: [String: [UInt8]] = [:]
        return try TensorMaterializer.stateDict(from: root, file: file, limits: limits) { storage in
            if let bytes = cache[storage.key] { return bytes[...] }
            let path = prefix + "data/" + storage.key
            guard let entry = byPath[path] else {
                throw ModelFileError.corrupt(file: file, detail: "storage entry '\(path)' is missing from the zip")
            }
            let bytes = try extractor.extract(entry)
            cache[storage.key] = bytes
            return bytes[...]
        }
    }
}

/// Reads zip entries into memory, refusing (before allocating) an entry whose declared size is impossible for
/// the archive or over what is left of the budget, and stopping one that inflates past its declared size.
struct ZipExtractor {
    let archive: Archive
    let archiveSize: Int
    let file: String
    var budget: SizeBudget

    /// Deflate cannot expand data more than about 1032-fold.
    static let maximumDeflateRatio: UInt64 = 1032

    private struct Overrun: Error {}

    mutating func extract(_ entry: Entry) throws -> [UInt8] {
        let declared = entry.uncompressedSize
        let possible = entry.isCompressed
            ? entry.compressedSize.multipliedReportingOverflow(by: Self.maximumDeflateRatio).partialValue
            : UInt64(archiveSize)
        guard declared <= possible, entry.compressedSize <= UInt64(archiveSize) else {
            throw ModelFileError.corrupt(
                file: file, detail: "zip entry '\(entry.path)' declares \(declared) bytes (\(entry.compressedSize) "
                    + "compressed) in a \(archiveSize)-byte archive")
        }
        guard declared <= UInt64(Int.max), budget.take(Int(declared)) else {
            throw ModelFileError.tooLarge(
                file: file, detail: "zip entry '\(entry.path)' declares \(declared) bytes, more than the "
                    + "\(budget.limit - budget.used) left of the \(budget.limit)-byte limit (CheckpointLimits.maximumBytes)")
        }
        let size = Int(declared)
        var data = [UInt8]()
        data.reserveCapacity(size)
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard chunk.count <= size - data.count else { throw Overrun() }
                data.append(contentsOf: chunk)
            }
        } catch is Overrun {
            throw ModelFileError.corrupt(
                file: file, detail: "zip entry '\(entry.path)' inflates to more than the \(size) bytes it declares")
        } catch {
            throw ModelFileError.truncated(file: file, detail: "zip entry '\(entry.path)' cannot be read: \(error)")
        }
        guard data.count == size else {
            throw ModelFileError.truncated(
                file: file, detail: "zip entry '\(entry.path)' has \(data.count) of \(size) bytes")
        }
        guard checksum == entry.checksum else {
            throw ModelFileError.corrupt(file: file, detail: "zip entry '\(entry.path)' fails its CRC-32 check")
        }
        return data
    }
}

/// The pre-1.6 `torch.save` layout: pickles of the magic number, the protocol version, system info, the
/// object, and the list of storage keys; then for each key in that list an int64 element count followed by
/// the raw little-endian elements.
enum LegacyCheckpoint {
    /// 0x1950a86a20f9469cfc6c as little-endian bytes.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func load(bytes: [UInt8], file: String, limits: CheckpointLimits) throws -> StateDict {
        var unpickler = SafeUnpickler(bytes: bytes, file: file)
        let magicValue = try unpickler.load()
        guard case let .bigInt(number) = magicValue, number == magic else {
            throw ModelFileError.unrecognizedFormat(
                file: file, detail: "a pickle that is not a torch.save file (no legacy magic number)")
        }
        guard case let .int(version) = try next(&unpickler, bytes, file), version == 1001 else {
            throw ModelFileError.unrecognizedFormat(file: file, detail: "unknown legacy protocol version")
        }
        let systemInfo = try next(&unpickler, bytes, file)
        if case let .bool(little)? = systemInfo["little_endian"], !little {
            throw ModelFileError.unrecognizedFormat(file: file, detail: "big-endian legacy checkpoints are not supported")
        }
        let root = try next(&unpickler, bytes, file)
        guard case let .list(keyValues) = try next(&unpickler, bytes, file) else {
            throw ModelFileError.corrupt(file: file, detail: "legacy storage key list is missing")
        }
        let keys = try keyValues.map { value -> String in
            guard case let .string(key) = value else {
                throw ModelFileError.corrupt(file: file, detail: "legacy storage key is not a string")
            }
            return key
        }
        // Element sizes come from the storages the object refers to.
        var elementSizes: [String: Int] = [:]
        collectStorages(root) { elementSizes[$0.key] = $0.elementType.byteCount }
        var ranges: [String: Range<Int>] = [:]
        var position = unpickler.position
        for key in keys {
            guard position + 8 <= bytes.count else {
                throw ModelFileError.truncated(file: file, detail: "storage '\(key)' header is past the end of the file")
            }
            var count = 0
            for i in 0..<8 { count |= Int(bytes[position + i]) << (8 * i) }
            position += 8
            let elementSize = elementSizes[key] ?? 4
            guard count >= 0, let size = CheckedSize.product(count, elementSize),
                  let end = CheckedSize.sum(position, size), end <= bytes.count else {
                throw ModelFileError.truncated(
                    file: file, detail: "storage '\(key)' declares \(count) elements of \(elementSize) bytes at byte "
                        + "\(position), the file has \(bytes.count)")
            }
            ranges[key] = position..<end
            position = end
        }
        return try TensorMaterializer.stateDict(from: root, file: file, limits: limits) { storage in
            guard let range = ranges[storage.key] else {
                throw ModelFileError.corrupt(file: file, detail: "storage '\(storage.key)' is not in the storage list")
            }
            return bytes[range]
        }
    }

    private static func next(_ unpickler: inout SafeUnpickler, _ bytes: [UInt8], _ file: String) throws -> PickleValue {
        guard unpickler.position < bytes.count else {
            throw ModelFileError.truncated(file: file, detail: "the legacy checkpoint ends after its header pickles")
        }
        let start = unpickler.position
        var fresh = SafeUnpickler(bytes: bytes, offset: start, file: file)
        let value = try fresh.load()
        unpickler = fresh
        return value
    }

    static func collectStorages(_ value: PickleValue, _ visit: (PickledStorage) -> Void) {
        switch value {
        case let .storage(s): visit(s)
        case let .tensor(t): visit(t.storage)
        case let .tuple(items), let .list(items), let .set(items): items.forEach { collectStorages($0, visit) }
        case let .dict(entries): entries.forEach { collectStorages($0.value, visit) }
        default: break
        }
    }
}
