#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way mazerender writes a whole file (PNG, SVG, PDF, `.npy`, JSON, CSV): the bytes go to a fresh
/// temporary file in the same directory (`.NAME.XXXXXX`, so the rename cannot cross file systems), are
/// flushed to disk (`fsync`), and the file is renamed over `path`. Readers see the old file or the complete
/// new one, never a part; two writers racing for one path leave one of their files whole; on any failure, and
/// on SIGINT/SIGTERM once `InterruptCleanup.install` has run, the temporary file is removed and `path` is
/// untouched. Videos, written by FFmpeg itself, use `StagedOutput`, the same protocol in two steps.
public enum OutputFile {
    /// The system calls used to write the bytes; a seam for tests that need a write to fail part-way
    /// (ENOSPC, EIO) on a machine where a small file system cannot be mounted.
    public struct Syscalls: Sendable {
        /// `write(2)`: returns the byte count written or -1 with `errno` set.
        public var write: @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int

        public init(write: @escaping @Sendable (Int32, UnsafeRawBufferPointer) -> Int) {
            self.write = write
        }

        public static let system = Syscalls { descriptor, bytes in
            Glibc.write(descriptor, bytes.baseAddress, bytes.count)
        }
    }

    /// Largest piece handed to one `write(2)`: Linux writes at most about 2 GiB per call anyway.
    static let pieceSize = 64 << 20

    /// Writes `bytes` to `path` atomically (see the type's documentation). The file gets mode 0666 less the
    /// process's umask, as a plain `open` would give it. Cost: one pass over `bytes` and one `fsync`.
    /// - Throws: `OutputFileError` naming `path`, the failing call and its cause.
    public static func write(_ bytes: [UInt8], to path: String, syscalls: Syscalls = .system) throws(OutputFileError) {
        do {
            try bytes.withUnsafeBytes { raw in try write(raw, to: path, syscalls: syscalls) }
        } catch let error as OutputFileError {
            throw error
        } catch {
            fatalError("unreachable: only OutputFileError is thrown")
        }
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically.
    public static func write(text: String, to path: String) throws(OutputFileError) {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes` (only read during the call) to `path` atomically.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String,
                             syscalls: Syscalls = .system) throws(OutputFileError) {
        let staged = try StagedOutput(path: path)
        do throws(OutputFileError) {
            try staged.withDescriptor { (descriptor: Int32) throws(OutputFileError) in
                var offset = 0
                while offset < bytes.count {
                    let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(bytes.count, offset + pieceSize)])
                    let written = syscalls.write(descriptor, piece)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw OutputFileError(path: path, operation: "write", code: errno)
                    }
                    if written == 0 { throw OutputFileError(path: path, operation: "write", code: EIO) }
                    offset += written
                }
            }
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
    }

    /// Fails early, before any work, when `path`'s directory does not exist or is not writable, or `path`
    /// names a directory. - Throws: `OutputFileError` naming `path`.
    public static func checkWritable(_ path: String) throws(OutputFileError) {
        let folder = directory(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else { throw OutputFileError(path: path, operation: "stat", code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw OutputFileError(path: path, operation: "stat", code: ENOTDIR) }
        guard access(folder, W_OK) == 0 else { throw OutputFileError(path: path, operation: "access", code: errno) }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw OutputFileError(path: path, operation: "stat", code: EISDIR)
        }
    }

    /// The directory part of `path` (`"."` when there is none, `"/"` for a file at the root).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The last component of `path`.
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
