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
            if let damage = videoDamage(bytes) { throw JobError("\(path): corrupt video file (\(damage))") }
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

    /// Where an MP4's top-level boxes or a WebM's segment do not fit the file (a cut or padded copy), or nil.
    static func videoDamage(_ bytes: [UInt8]) -> String? {
        func big(_ offset: Int, _ count: Int) -> UInt64 {
            bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            // EBML header element, then the Segment (ID 0x18538067); sizes are EBML variable-length integers.
            func vint(_ offset: Int) -> (value: UInt64, length: Int, unknown: Bool)? {
                guard offset < bytes.count, bytes[offset] != 0 else { return nil }
                let length = bytes[offset].leadingZeroBitCount + 1
                guard offset + length <= bytes.count else { return nil }
                let value = big(offset, length) & ((1 << (7 * UInt64(length))) - 1)
                return (value, length, value == (1 << (7 * UInt64(length))) - 1)
            }
            guard let header = vint(4), !header.unknown else { return "EBML header cut short" }
            let segment = 4 + header.length + Int(header.value)
            guard segment + 4 <= bytes.count, big(segment, 4) == 0x1853_8067 else { return "no Segment after the EBML header" }
            guard let size = vint(segment + 4) else { return "Segment size cut short" }
            let end = UInt64(segment + 4 + size.length) + size.value
            if !size.unknown && end != UInt64(bytes.count) {
                return "Segment ends at byte \(end) but the file has \(bytes.count)"
            }
            return nil
        }
        var offset = 0
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else { return "box header cut short at byte \(offset)" }
            var size = big(offset, 4)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if size == 1 {
                guard offset + 16 <= bytes.count else { return "box '\(type)' cut short at byte \(offset)" }
                size = big(offset + 8, 8)
            } else if size == 0 {
                size = UInt64(bytes.count - offset)
            }
            guard size >= 8, UInt64(offset) + size <= UInt64(bytes.count) else {
                return "box '\(type)' at byte \(offset) runs past the end of the file"
            }
            offset += Int(size)
        }
        return nil
    }

    private static func readFailure(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) != 0 { return String(cString: strerror(errno)).lowercased() }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        return "permission denied or unreadable"
    }
}
