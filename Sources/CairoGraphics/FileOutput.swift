import OutputFiles

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
    /// fail before doing any work. Throws `OutputFormatError` or `OutputFileError`.
    public static func forWriting(to path: String) throws -> OutputFormat {
        let format = try OutputFormat(path: path)
        try OutputFile.checkWritable(path)
        return format
    }
}
