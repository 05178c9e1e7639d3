import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing whole files so that readers never see a half-written one: the bytes go to a temporary file beside
/// the target, which is then renamed over it (POSIX rename replaces atomically).
public enum AtomicFile {
    /// - Throws: `ModelFileError.unwritable` naming `url`; the temporary file is removed on failure.
    public static func write(_ bytes: [UInt8], to url: URL) throws(ModelFileError) {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try writeInChunks(bytes, to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ModelFileError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes `bytes` to a new file in pieces of at most 256 MiB. One `Data.write` of more than 2 GiB silently
    /// wrapped around on this platform (the bytes after 2^31 repeated the start of the file).
    static func writeInChunks(_ bytes: [UInt8], to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let chunk = 256 << 20
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            try bytes.withUnsafeBufferPointer { buffer in
                try handle.write(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
            }
            start = end
        }
        try handle.synchronize()
    }
}
