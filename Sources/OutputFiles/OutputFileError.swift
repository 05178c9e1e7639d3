#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be written: the requested path, the system call that failed and its `errno`.
/// The description is one line a user can act on, e.g.
/// `cannot write 'out/v.mp4': No space left on device (write); free some space or choose another folder`.
public struct OutputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The system's text for `code`, e.g. "No space left on device".
    public var reason: String { String(cString: strerror(code)) }

    public var description: String {
        "cannot write '\(path)': \(reason) (\(operation)); \(advice)"
    }

    private var advice: String {
        switch code {
        case ENOSPC, EDQUOT: return "free some space or choose another folder"
        case EFBIG: return "the file is larger than this file system or limit allows"
        case EACCES, EPERM, EROFS: return "choose a folder you can write to"
        case ENOENT, ENOTDIR: return "check that the folder exists"
        case EISDIR: return "the name is a folder; give a file name"
        default: return "check the folder and try again"
        }
    }
}
