import CInterruptCleanup
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file being written under a temporary name beside its destination, for writers that produce a file in
/// several steps or through another library (FFmpeg opens `temporaryPath` itself). `commit()` flushes it to
/// disk and renames it onto `path`; `discard()` (or dropping the value without committing) removes it. While
/// it exists, the temporary file is registered with `InterruptCleanup`, so SIGINT/SIGTERM remove it too.
public final class StagedOutput: @unchecked Sendable {
    /// The destination.
    public let path: String
    /// The temporary file, `.NAME.XXXXXX` in the destination's directory; created (empty, mode 0600) at init.
    public let temporaryPath: String
    private var descriptor: Int32
    private var slot: Int32
    private var finished = false

    /// Creates the temporary file. - Throws: `OutputFileError` when the directory is missing or not writable.
    public init(path: String) throws(OutputFileError) {
        try OutputFile.checkWritable(path)
        let name = OutputFile.fileName(of: path)
        // Long names are shortened so the temporary name stays within NAME_MAX (255 bytes).
        let stem = String(decoding: Array(name.utf8.prefix(200)), as: UTF8.self)
        var template = Array("\(OutputFile.directory(of: path))/.\(stem).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputFileError(path: path, operation: "mkstemp", code: errno) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.path = path
        temporaryPath = temporary
        descriptor = fd
        slot = mr_interrupt_cleanup_register(temporary, path)
    }

    deinit { if !finished { discard() } }

    /// Runs `body` with the open descriptor of the temporary file (valid only during the call).
    public func withDescriptor<T, E: Error>(_ body: (Int32) throws(E) -> T) throws(E) -> T {
        try body(descriptor)
    }

    /// Closes the descriptor the init opened, for writers that open `temporaryPath` themselves.
    public func closeDescriptor() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// Flushes the temporary file to disk, gives it mode 0666 less the umask, and renames it onto `path`,
    /// replacing any file there. - Throws: `OutputFileError`; the temporary file is removed then.
    public func commit() throws(OutputFileError) {
        precondition(!finished, "StagedOutput for '\(path)' committed or discarded twice")
        do throws(OutputFileError) {
            if descriptor < 0 {
                descriptor = open(temporaryPath, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw OutputFileError(path: path, operation: "open", code: errno) }
            }
            let mask = umask(0o022)
            umask(mask)
            guard fchmod(descriptor, 0o666 & ~mask) == 0 else {
                throw OutputFileError(path: path, operation: "fchmod", code: errno)
            }
            guard fsync(descriptor) == 0 else { throw OutputFileError(path: path, operation: "fsync", code: errno) }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else { throw OutputFileError(path: path, operation: "close", code: errno) }
            guard rename(temporaryPath, path) == 0 else {
                throw OutputFileError(path: path, operation: "rename", code: errno)
            }
        } catch {
            discard()
            throw error
        }
        finished = true
        mr_interrupt_cleanup_unregister(slot)
        slot = -1
    }

    /// Removes the temporary file; nothing is written under `path`. Safe to call more than once.
    public func discard() {
        closeDescriptor()
        if !finished { unlink(temporaryPath) }
        finished = true
        mr_interrupt_cleanup_unregister(slot)
        slot = -1
    }
}
