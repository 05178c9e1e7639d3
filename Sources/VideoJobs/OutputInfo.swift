import Foundation
import JobSupport
import OutputFiles
internal import VideoEncoding

/// `mazerender info FILE`: what a picture or video mazerender wrote records about its making (`Provenance`),
/// read back from PNG text chunks, SVG `<metadata>`, PDF document information, a GIF comment, or MP4/WebM
/// container metadata. It lives with the video jobs because it needs libavformat for MP4/WebM.
public enum OutputInfo {
    /// The recorded entries (`Title`, `Software`, `Command`, `Model`, `Seeds`, `Patches`; those present, in that
    /// order) of the file at `path`.
    /// - Throws: `JobError` (one line naming the file) when it cannot be read, is not a PNG, SVG, PDF, GIF, MP4 or
    ///   WebM file, is corrupt, or holds no mazerender metadata.
    public static func read(path: String) throws(JobError) -> [(key: String, value: String)] {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw JobError("\(path): cannot read the file (\(readFailure(path)))")
        }
        var stored: [(key: String, value: String)]
        if let format = EmbeddedMetadata.Format(sniffing: bytes) {
            do {
                stored = try EmbeddedMetadata.read(bytes, format: format, path: path)
            } catch {
                throw JobError(error.description)
            }
        } else if looksLikeVideo(bytes) {
            do {
                stored = try VideoMetadata.read(path: path)
            } catch {
                throw JobError("\(path): corrupt video file (libavformat: \(error))")
            }
        } else {
            throw JobError("\(path): not a PNG, SVG, PDF, GIF, MP4 or WebM file; info reads the pictures and videos mazerender writes")
        }
        let entries = provenanceEntries(stored)
        guard entries.contains(where: { $0.key == "Software" && $0.value.hasPrefix("mazerender") }) else {
            throw JobError("\(path): holds no mazerender metadata (written by another program, or by mazerender before \(firstVersion))")
        }
        return entries
    }

    /// The first version whose pictures and videos record their making.
    public static let firstVersion = "0.10.0"

    /// `read(path:)` as `Key: value` lines.
    public static func report(path: String) throws(JobError) -> String {
        try read(path: path).map { "\($0.key): \($0.value)" }.joined(separator: "\n")
    }

    /// The provenance keys among `stored` (matched without regard to case: WebM upper-cases tag names), in
    /// `Provenance.entryKeys` order; the `Key: value` lines of a `comment` when no key is there by itself.
    static func provenanceEntries(_ stored: [(key: String, value: String)]) -> [(key: String, value: String)] {
        func pick(_ pairs: [(key: String, value: String)]) -> [(key: String, value: String)] {
            Provenance.entryKeys.compactMap { key in
                pairs.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }.map { (key: key, value: $0.value) }
            }
        }
        let direct = pick(stored)
        if direct.contains(where: { $0.key != "Title" }) { return direct }
        let comment = stored.first { $0.key.caseInsensitiveCompare("comment") == .orderedSame }?.value ?? ""
        return pick(EmbeddedMetadata.parseLines(comment))
    }

    /// MP4/MOV (`ftyp` box at byte 4) or Matroska/WebM (EBML magic).
    static func looksLikeVideo(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 8, Array(bytes[4..<8]) == Array("ftyp".utf8) { return true }
        return bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3])
    }

    private static func readFailure(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) != 0 { return String(cString: strerror(errno)).lowercased() }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        return "permission denied or unreadable"
    }
}
