import CCairo
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Cairo call failed. `function` names the C call (for example `"cairo_surface_write_to_png_stream"`);
/// `status` is Cairo's status code and text.
///
/// Every `cairo_status_t` in this module passes through ``cairoCheck(_:function:)``, the single place
/// where a C status becomes a Swift error.
public struct CairoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function whose status was not `CAIRO_STATUS_SUCCESS`.
    public let function: String
    /// What went wrong, as Cairo reports it.
    public let status: Status

    public init(function: String, status: Status) {
        self.function = function
        self.status = status
    }

    public var description: String {
        "\(function) failed: \(status) (cairo status \(status.rawValue))"
    }

    /// A Cairo status code. Common codes have named constants; `description` is Cairo's own text.
    public struct Status: Equatable, Hashable, Sendable, CustomStringConvertible {
        /// The numeric value of the C `cairo_status_t`.
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let noMemory = Status(CAIRO_STATUS_NO_MEMORY)
        public static let invalidRestore = Status(CAIRO_STATUS_INVALID_RESTORE)
        public static let noCurrentPoint = Status(CAIRO_STATUS_NO_CURRENT_POINT)
        public static let invalidMatrix = Status(CAIRO_STATUS_INVALID_MATRIX)
        public static let invalidString = Status(CAIRO_STATUS_INVALID_STRING)
        public static let writeError = Status(CAIRO_STATUS_WRITE_ERROR)
        public static let surfaceFinished = Status(CAIRO_STATUS_SURFACE_FINISHED)
        public static let surfaceTypeMismatch = Status(CAIRO_STATUS_SURFACE_TYPE_MISMATCH)
        public static let invalidDash = Status(CAIRO_STATUS_INVALID_DASH)
        public static let invalidStride = Status(CAIRO_STATUS_INVALID_STRIDE)
        public static let invalidSize = Status(CAIRO_STATUS_INVALID_SIZE)
        public static let pngError = Status(CAIRO_STATUS_PNG_ERROR)

        init(_ status: cairo_status_t) { rawValue = status.rawValue }

        public var description: String {
            String(cString: cairo_status_to_string(cairo_status_t(rawValue: rawValue)))
        }
    }
}

/// The choke point: turns a C status into `CairoError` naming `function`, or returns on success.
@inline(__always)
func cairoCheck(_ status: cairo_status_t, function: String) throws(CairoError) {
    if status != CAIRO_STATUS_SUCCESS {
        throw CairoError(function: function, status: CairoError.Status(status))
    }
}

/// The output path names a format this module cannot write.
public enum OutputFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path's extension (with its dot, or empty when there is none) is not `.png`, `.svg` or `.pdf`.
    case unsupportedExtension(String, path: String)
    /// The canvas was made for one format and asked to write another.
    case formatMismatch(canvas: OutputFormat, path: String)

    public var description: String {
        switch self {
        case let .unsupportedExtension(ext, path):
            let shown = ext.isEmpty ? "no extension" : "extension '\(ext)'"
            return "cannot write '\(path)': \(shown) is not one of .png, .svg, .pdf; "
                + "choose the format with the file name's extension"
        case let .formatMismatch(canvas, path):
            return "cannot write '\(path)': the canvas was made for .\(canvas.rawValue) output"
        }
    }
}
