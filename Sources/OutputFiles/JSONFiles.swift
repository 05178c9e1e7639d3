#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON and JSON-lines files, written like every mazerender output (`OutputFile`, `StagedOutput`): a reader sees
/// the old file or the whole new one, and a failure or an interrupt leaves nothing under the name.
public enum JSONFiles {
    /// Writes `value` as one line of JSON text (and a newline) to `path` atomically.
    /// - Throws: `OutputFileError` naming the path.
    public static func write(_ value: JSONValue, to path: String) throws(OutputFileError) {
        try OutputFile.write(Array((value.text + "\n").utf8), to: path)
    }
}

/// A JSON-lines file written as it is produced: lines go straight to a temporary file beside `path`, so memory
/// holds only what one `append` is given; `commit()` puts the whole file in place, `discard()` (or an error,
/// SIGINT, SIGTERM) leaves nothing under `path`.
public final class JSONLinesStream {
    public let path: String
    /// Lines appended so far.
    public private(set) var lineCount = 0
    private let staged: StagedOutput
    private var buffer: [UInt8] = []

    /// Creates the temporary file. - Throws: `OutputFileError` naming `path` when its directory is missing or
    /// read-only.
    public init(path: String) throws(OutputFileError) {
        staged = try StagedOutput(path: path)
        self.path = path
    }

    /// Writes `values`, one line each. Cost: one `write(2)` for all of them.
    public func append(_ values: some Sequence<JSONValue>) throws(OutputFileError) {
        buffer.removeAll(keepingCapacity: true)
        for value in values {
            buffer += value.text.utf8
            buffer.append(0x0A)
            lineCount += 1
        }
        try writeBuffer()
    }

    /// Flushes the file to disk and renames it onto `path`.
    public func commit() throws(OutputFileError) {
        try staged.commit()
    }

    /// Removes the temporary file; nothing appears under `path`.
    public func discard() { staged.discard() }

    private func writeBuffer() throws(OutputFileError) {
        let path = self.path
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            staged.withDescriptor { descriptor -> Int32? in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    if written == 0 { return EIO }
                    offset += written
                }
                return nil
            }
        }
        if let failure {
            throw OutputFileError(path: path, operation: "write", code: failure)
        }
    }
}
