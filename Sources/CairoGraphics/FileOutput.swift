#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file formats a canvas can write, chosen by a path's extension (case-insensitive).
public enum OutputFormat: String, Sendable, CaseIterable {
    case png, svg, pdf

    /// The format named by `path`'s extension; throws `OutputFormatError.unsupportedExtension` naming
    /// the extension for anything but `.png`, `.svg`, `.pdf`.
    public init(path: String) throws(OutputFormatError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        let ext = name.lastIndex(of: ".").map { String(name[$0...]) } ?? ""
        guard let format = OutputFormat(rawValue: String(ext.dropFirst()).lowercased()), !ext.isEmpty else {
            throw .unsupportedExtension(ext, path: path)
        }
        self = format
    }

    /// The format for `path`, after checking that its directory exists and is writable, so callers can
    /// fail before doing any work. Throws `OutputFormatError` or `FileOutputError` (`access`).
    public static func forWriting(to path: String) throws -> OutputFormat {
        let format = try OutputFormat(path: path)
        if access(directory(of: path), W_OK) != 0 {
            throw FileOutputError(path: path, function: "access", code: errno)
        }
        return format
    }
}

/// The directory part of `path` (`"."` when there is none).
func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = path[..<slash]
    return dir.isEmpty ? "/" : String(dir)
}

/// Writes `bytes` to a new temporary file beside `path` (`.<name>.XXXXXX`), then renames it to `path`.
/// Readers never see a partial file, and on any failure the temporary file is removed and `path` is
/// untouched. The file gets mode 0644. Cost: one write of `bytes`; no fsync.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileOutputError) {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    var template = Array("\(directory(of: path))/.\(name).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw FileOutputError(path: path, function: "mkstemp", code: errno) }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var renamed = false
    defer { if !renamed { unlink(temporary) } }

    var closed = false
    defer { if !closed { close(fd) } }
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileOutputError(path: path, function: "write", code: errno)
        }
        written += n
    }
    if fchmod(fd, 0o644) != 0 { throw FileOutputError(path: path, function: "fchmod", code: errno) }
    closed = true
    if close(fd) != 0 { throw FileOutputError(path: path, function: "close", code: errno) }
    if rename(temporary, path) != 0 { throw FileOutputError(path: path, function: "rename", code: errno) }
    renamed = true
}
