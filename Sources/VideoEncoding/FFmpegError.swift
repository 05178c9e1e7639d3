import CFFmpeg
import OutputFiles
#if canImport(Glibc)
import Glibc
#endif

/// A failed FFmpeg call: which function, its negative return code and FFmpeg's message for it.
///
/// `FFmpegError(function: "avcodec_open2", code: -22, message: "Invalid argument")`.
/// `path` names the file involved, when there is one.
public struct FFmpegError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function that failed, e.g. `"avio_open"`.
    public var function: String
    /// The negative `AVERROR` code it returned (`-EACCES` is `-13`).
    public var code: Int32
    /// `av_strerror`'s text for `code`.
    public var message: String
    /// The file being written or read, when the call concerned one.
    public var path: String?

    public init(function: String, code: Int32, message: String? = nil, path: String? = nil) {
        self.function = function
        self.code = code
        self.message = message ?? FFmpegError.describe(code)
        self.path = path
    }

    public var description: String {
        let target = path.map { " for '\($0)'" } ?? ""
        return "\(function) failed\(target): \(message) (code \(code))"
    }

    /// FFmpeg's text for an error code (`av_strerror`).
    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buffer, buffer.count) < 0 { return "unknown error \(code)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The single choke point turning FFmpeg return codes into `FFmpegError`.
/// - Returns: `code` when it is not negative.
@discardableResult
func check(_ code: Int32, _ function: String, path: String? = nil) throws(FFmpegError) -> Int32 {
    if code < 0 { throw FFmpegError(function: function, code: code, path: path) }
    return code
}

/// Unwraps a pointer returned by an allocating FFmpeg call; `nil` becomes `ENOMEM` naming the call.
func checkAllocated<T>(_ pointer: T?, _ function: String) throws(FFmpegError) -> T {
    guard let pointer else { throw FFmpegError(function: function, code: cffmpeg_error_from_errno(ENOMEM)) }
    return pointer
}

/// Failures that are not an FFmpeg call's: bad arguments and missing codecs. Each names what to change.
public enum VideoEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output's extension names no supported container (`.mp4`, `.gif`, `.webm`); nothing was written.
    case unsupportedExtension(path: String, extension: String)
    /// The codec cannot go in the container chosen by the extension.
    case codecNotAllowed(codec: VideoCodec, path: String)
    /// No encoder of this name is built into the installed libavcodec.
    case encoderUnavailable(name: String, path: String)
    /// YUV 4:2:0 codecs (H.264, MPEG-4, VP9) need even width and height.
    case oddDimensions(width: Int, height: Int, path: String)
    /// Width, height or fps is not positive (or too large).
    case invalidParameters(String)
    /// An appended frame does not have `height` rows of `bytesPerRow` bytes, or its rows are too short.
    case frameSizeMismatch(expectedBytes: Int, actualBytes: Int, bytesPerRow: Int)
    /// `append`, `finish` after `finish`, `cancel` or an earlier error.
    case encoderClosed(path: String)
    /// Creating, flushing or renaming the output file failed (missing folder, full disk, ...).
    case unwritable(OutputFileError)
    /// A call on the GIF encoder's temporary frame file (`tmpfile`, `fwrite`, `fread`) failed; `errno` says why.
    case temporaryFile(function: String, errno: Int32)

    public var description: String {
        switch self {
        case let .unsupportedExtension(path, ext):
            return "'\(path)': unsupported video extension '.\(ext)'; use .mp4, .gif or .webm"
        case let .codecNotAllowed(codec, path):
            return "'\(path)': codec \(codec) does not fit this container; omit `codec` to pick one from the extension"
        case let .encoderUnavailable(name, path):
            return "'\(path)': the installed FFmpeg has no '\(name)' encoder; install an FFmpeg built with it or use .mp4/.gif"
        case let .oddDimensions(width, height, path):
            return "'\(path)': \(width)x\(height) is odd; yuv420p video needs even width and height (pad or crop by one pixel)"
        case let .invalidParameters(text):
            return text
        case let .frameSizeMismatch(expected, actual, stride):
            return "frame has \(actual) bytes with \(stride) bytes per row; expected at least \(expected)"
        case let .encoderClosed(path):
            return "'\(path)': the encoder is already finished or cancelled"
        case let .unwritable(error):
            return error.description
        case let .temporaryFile(function, code):
            return "\(function) failed for the GIF encoder's temporary frame file: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
