import Foundation

/// Key-value text stored inside a picture file: PNG text chunks, an SVG `<metadata>` element, a PDF's document
/// information dictionary or a GIF comment. Writers hand over `[(key, value)]` (`Provenance.entries` is the usual
/// source); `read(_:path:)` gives the pairs back in the order stored. Formats know nothing of mazes.
///
/// How each format stores the pairs:
/// - PNG: one chunk per pair right after `IHDR`: `tEXt` (keyword, NUL, Latin-1 text) when the value is printable
///   ASCII, otherwise `iTXt` (uncompressed UTF-8). Keys must be 1-79 printable Latin-1 characters.
/// - SVG: `<metadata><mazerender:entry key="KEY">VALUE</mazerender:entry>...</metadata>` right after the root
///   `<svg>` start tag (namespace `EmbeddedMetadata.svgNamespace`), text XML-escaped.
/// - GIF: one comment extension (`0x21 0xFE`) after the logical screen descriptor and global colour table,
///   holding `Key: value` lines.
/// - PDF: written by Cairo (`Canvas`); read back from the `/Subject` entry of the info dictionary (`Key: value`
///   lines), with `/Title` as `Title` when no line gives one.
public enum EmbeddedMetadata {
    public typealias Entries = [(key: String, value: String)]

    /// The XML namespace of the SVG entries.
    public static let svgNamespace = "https://github.com/mazerender/mazerender/ns/metadata"

    /// The picture formats whose metadata this type reads, recognised by their first bytes.
    public enum Format: String, Sendable, CaseIterable {
        case png, svg, pdf, gif

        /// The format `bytes` start like, or nil.
        public init?(sniffing bytes: [UInt8]) {
            if bytes.starts(with: pngSignature) {
                self = .png
            } else if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
                self = .gif
            } else if bytes.starts(with: Array("%PDF-".utf8)) {
                self = .pdf
            } else {
                let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
                guard head.contains("<svg") else { return nil }
                self = .svg
            }
        }
    }

    /// Lines `Key: value`, one per entry, newlines inside values replaced by spaces.
    public static func lines(_ entries: Entries) -> String {
        entries.map { "\($0.key): \(oneLine($0.value))" }.joined(separator: "\n")
    }

    /// Parses `Key: value` lines back (lines without `": "` are skipped).
    public static func parseLines(_ text: String) -> Entries {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
            guard let colon = line.range(of: ": ") else { return nil }
            let key = String(line[..<colon.lowerBound])
            guard !key.isEmpty, !key.contains(" ") else { return nil }
            return (key: key, value: String(line[colon.upperBound...]))
        }
    }

    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }

    /// The pairs stored in `bytes`, a file of `format`.
    /// - Throws: `EmbeddedMetadataError.corrupt` naming `path` when the file's structure is broken.
    public static func read(_ bytes: [UInt8], format: Format, path: String) throws(EmbeddedMetadataError) -> Entries {
        switch format {
        case .png: return try pngEntries(bytes, path: path)
        case .svg: return try svgEntries(bytes, path: path)
        case .pdf: return pdfEntries(bytes)
        case .gif: return try gifEntries(bytes, path: path)
        }
    }

    /// Inserts `entries` into `bytes` of `format` (PNG, SVG or GIF; PDF metadata is set while Cairo writes).
    public static func inserting(_ entries: Entries, into bytes: [UInt8], format: Format,
                                 path: String) throws(EmbeddedMetadataError) -> [UInt8] {
        guard !entries.isEmpty else { return bytes }
        switch format {
        case .png: return try insertingPNG(entries, into: bytes, path: path)
        case .svg: return try insertingSVG(entries, into: bytes, path: path)
        case .gif: return try insertingGIF(entries, into: bytes, path: path)
        case .pdf: throw .unsupported(path: path, what: "PDF metadata is written by the PDF writer itself")
        }
    }
}

/// A picture whose metadata cannot be written or read.
public enum EmbeddedMetadataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's structure is broken where `detail` says.
    case corrupt(path: String, detail: String)
    /// A key the format cannot store.
    case invalidKey(path: String, key: String, reason: String)
    case unsupported(path: String, what: String)

    public var description: String {
        switch self {
        case let .corrupt(path, detail): return "\(path): corrupt file (\(detail))"
        case let .invalidKey(path, key, reason): return "\(path): metadata key '\(key)' \(reason)"
        case let .unsupported(path, what): return "\(path): \(what)"
        }
    }
}

// MARK: - PNG

let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

extension EmbeddedMetadata {
    /// The chunks of a PNG, as (type, data range) in file order, checked up to and including `IEND`.
    static func pngChunks(_ bytes: [UInt8], path: String) throws(EmbeddedMetadataError)
        -> [(type: String, data: Range<Int>, end: Int)] {
        guard bytes.starts(with: pngSignature) else { throw .corrupt(path: path, detail: "no PNG signature") }
        var chunks: [(String, Range<Int>, Int)] = []
        var offset = pngSignature.count
        while true {
            guard offset + 12 <= bytes.count else { throw .corrupt(path: path, detail: "truncated chunk at byte \(offset)") }
            let length = Int(readBigEndian32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let dataStart = offset + 8
            guard length <= bytes.count - dataStart - 4 else {
                throw .corrupt(path: path, detail: "chunk '\(type)' at byte \(offset) runs past the end")
            }
            let end = dataStart + length + 4
            let stored = readBigEndian32(bytes, dataStart + length)
            guard crc32(bytes[(offset + 4)..<(dataStart + length)]) == stored else {
                throw .corrupt(path: path, detail: "CRC mismatch in chunk '\(type)' at byte \(offset)")
            }
            chunks.append((type, dataStart..<(dataStart + length), end))
            offset = end
            if type == "IEND" { break }
        }
        guard chunks.first?.0 == "IHDR" else { throw .corrupt(path: path, detail: "first chunk is not IHDR") }
        return chunks.map { (type: $0.0, data: $0.1, end: $0.2) }
    }

    static func pngEntries(_ bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> Entries {
        var entries: Entries = []
        for chunk in try pngChunks(bytes, path: path) {
            let data = Array(bytes[chunk.data])
            switch chunk.type {
            case "tEXt":
                guard let nul = data.firstIndex(of: 0) else { throw .corrupt(path: path, detail: "tEXt chunk without a keyword") }
                entries.append((key: latin1(data[..<nul]), value: latin1(data[(nul + 1)...])))
            case "iTXt":
                // keyword NUL compression-flag compression-method language NUL translated-keyword NUL text
                guard let nul = data.firstIndex(of: 0), nul + 2 < data.count else {
                    throw .corrupt(path: path, detail: "iTXt chunk without a keyword")
                }
                let compressed = data[nul + 1] != 0
                var rest = data[(nul + 3)...]
                guard let languageEnd = rest.firstIndex(of: 0) else { throw .corrupt(path: path, detail: "iTXt chunk cut short") }
                rest = rest[(languageEnd + 1)...]
                guard let translatedEnd = rest.firstIndex(of: 0) else { throw .corrupt(path: path, detail: "iTXt chunk cut short") }
                if compressed { continue }  // mazerender never compresses its text; others' compressed text is skipped
                entries.append((key: latin1(data[..<nul]), value: String(decoding: rest[(translatedEnd + 1)...], as: UTF8.self)))
            default:
                continue
            }
        }
        return entries
    }

    static func insertingPNG(_ entries: Entries, into bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> [UInt8] {
        let chunks = try pngChunks(bytes, path: path)
        var inserted: [UInt8] = []
        for (key, value) in entries {
            guard (1...79).contains(key.unicodeScalars.count),
                  key.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) || (0xA1...0xFF).contains($0.value) }),
                  !key.hasPrefix(" "), !key.hasSuffix(" "), !key.contains("  ") else {
                throw .invalidKey(path: path, key: key, reason: "must be 1-79 printable Latin-1 characters (PNG keyword)")
            }
            let keyword = key.unicodeScalars.map { UInt8($0.value) }
            let printable = value.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) || $0 == "\n" }
            if printable {
                inserted += pngChunk("tEXt", keyword + [0] + Array(value.utf8))
            } else {
                inserted += pngChunk("iTXt", keyword + [0, 0, 0, 0, 0] + Array(value.utf8))
            }
        }
        let afterHeader = chunks[0].end
        return Array(bytes[..<afterHeader]) + inserted + Array(bytes[afterHeader...])
    }

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian32(UInt32(data.count)) + typed + bigEndian32(crc32(typed[...]))
    }

    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// CRC-32 as PNG and zlib define it (polynomial 0xEDB88320, reflected, initial and final XOR 0xFFFFFFFF).
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}

private let crcTable: [UInt32] = (0..<256).map { index -> UInt32 in
    var value = UInt32(index)
    for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    return value
}

func readBigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

func bigEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

// MARK: - SVG

extension EmbeddedMetadata {
    static func insertingSVG(_ entries: Entries, into bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> [UInt8] {
        guard let root = find(Array("<svg".utf8), in: bytes, from: 0),
              let close = bytes[root...].firstIndex(of: UInt8(ascii: ">")) else {
            throw .corrupt(path: path, detail: "no <svg> element")
        }
        var block = "\n<metadata>\n"
        for (key, value) in entries {
            block += "<mazerender:entry xmlns:mazerender=\"\(svgNamespace)\" key=\"\(xmlEscaped(key))\">"
                + "\(xmlEscaped(value))</mazerender:entry>\n"
        }
        block += "</metadata>"
        return Array(bytes[...close]) + Array(block.utf8) + Array(bytes[(close + 1)...])
    }

    static func svgEntries(_ bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> Entries {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("<svg") else { throw .corrupt(path: path, detail: "no <svg> element") }
        guard let start = text.range(of: "<metadata>"), let end = text.range(of: "</metadata>", range: start.upperBound..<text.endIndex) else {
            return []
        }
        var entries: Entries = []
        var rest = text[start.upperBound..<end.lowerBound]
        while let open = rest.range(of: "<mazerender:entry ") {
            guard let tagEnd = rest.range(of: ">", range: open.upperBound..<rest.endIndex),
                  let closing = rest.range(of: "</mazerender:entry>", range: tagEnd.upperBound..<rest.endIndex) else {
                throw .corrupt(path: path, detail: "unterminated <mazerender:entry> in <metadata>")
            }
            let attributes = rest[open.upperBound..<tagEnd.lowerBound]
            guard let keyStart = attributes.range(of: "key=\""),
                  let keyEnd = attributes.range(of: "\"", range: keyStart.upperBound..<attributes.endIndex) else {
                throw .corrupt(path: path, detail: "<mazerender:entry> without a key attribute")
            }
            entries.append((key: xmlUnescaped(attributes[keyStart.upperBound..<keyEnd.lowerBound]),
                            value: xmlUnescaped(rest[tagEnd.upperBound..<closing.lowerBound])))
            rest = rest[closing.upperBound...]
        }
        return entries
    }

    /// `text` with `& < > " '` written as XML entities.
    public static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    static func xmlUnescaped(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "&", let semicolon = text[index...].firstIndex(of: ";") {
                let name = text[text.index(after: index)..<semicolon]
                var replacement: String?
                switch name {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if name.hasPrefix("#x"), let code = UInt32(name.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                        replacement = String(Character(scalar))
                    } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                        replacement = String(Character(scalar))
                    }
                }
                if let replacement {
                    out += replacement
                    index = text.index(after: semicolon)
                    continue
                }
            }
            out.append(text[index])
            index = text.index(after: index)
        }
        return out
    }
}

func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var index = start
    while index + needle.count <= haystack.count {
        if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
        index += 1
    }
    return nil
}

// MARK: - GIF

extension EmbeddedMetadata {
    /// Offset just past the header, logical screen descriptor and global colour table.
    static func gifHeaderEnd(_ bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> Int {
        guard bytes.count >= 13, Format(sniffing: bytes) == .gif else { throw .corrupt(path: path, detail: "no GIF header") }
        let flags = bytes[10]
        let table = flags & 0x80 != 0 ? 3 << (Int(flags & 0x07) + 1) : 0
        guard 13 + table <= bytes.count else { throw .corrupt(path: path, detail: "global colour table runs past the end") }
        return 13 + table
    }

    static func insertingGIF(_ entries: Entries, into bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> [UInt8] {
        let at = try gifHeaderEnd(bytes, path: path)
        let text = Array(lines(entries).utf8)
        var block: [UInt8] = [0x21, 0xFE]
        var offset = 0
        while offset < text.count {
            let piece = text[offset..<min(text.count, offset + 255)]
            block.append(UInt8(piece.count))
            block += piece
            offset += piece.count
        }
        block.append(0)
        return Array(bytes[..<at]) + block + Array(bytes[at...])
    }

    /// Walks every block of a GIF; the comment extensions' text is parsed as `Key: value` lines.
    static func gifEntries(_ bytes: [UInt8], path: String) throws(EmbeddedMetadataError) -> Entries {
        var offset = try gifHeaderEnd(bytes, path: path)
        var comments: [UInt8] = []
        func subBlocks(_ collect: Bool) throws(EmbeddedMetadataError) {
            while true {
                guard offset < bytes.count else { throw .corrupt(path: path, detail: "data sub-blocks run past the end") }
                let size = Int(bytes[offset])
                offset += 1
                if size == 0 { return }
                guard offset + size <= bytes.count else { throw .corrupt(path: path, detail: "data sub-block runs past the end") }
                if collect { comments += bytes[offset..<(offset + size)] }
                offset += size
            }
        }
        while true {
            guard offset < bytes.count else { throw .corrupt(path: path, detail: "no trailer (0x3B)") }
            switch bytes[offset] {
            case 0x3B:
                return parseLines(String(decoding: comments, as: UTF8.self))
            case 0x21:
                guard offset + 1 < bytes.count else { throw .corrupt(path: path, detail: "extension cut short") }
                let label = bytes[offset + 1]
                offset += 2
                if label == 0xFE && !comments.isEmpty { comments.append(UInt8(ascii: "\n")) }
                try subBlocks(label == 0xFE)
            case 0x2C:
                guard offset + 10 <= bytes.count else { throw .corrupt(path: path, detail: "image descriptor cut short") }
                let flags = bytes[offset + 9]
                offset += 10
                if flags & 0x80 != 0 { offset += 3 << (Int(flags & 0x07) + 1) }
                offset += 1  // LZW minimum code size
                try subBlocks(false)
            default:
                throw .corrupt(path: path, detail: "unknown block 0x\(String(bytes[offset], radix: 16)) at byte \(offset)")
            }
        }
    }
}

// MARK: - PDF

extension EmbeddedMetadata {
    /// The `/Subject` lines of the last information dictionary (`Key: value`), and `/Title` as `Title` when the
    /// lines have none. Strings may be literal (`(...)` with escapes) or hex (`<FEFF...>`, UTF-16BE).
    static func pdfEntries(_ bytes: [UInt8]) -> Entries {
        let subject = pdfInfoString("/Subject", in: bytes)
        var entries = subject.map(parseLines) ?? []
        if let title = pdfInfoString("/Title", in: bytes), !entries.contains(where: { $0.key == "Title" }) {
            entries.insert((key: "Title", value: title), at: 0)
        }
        return entries
    }

    /// The string after the last `name` in `bytes` (Cairo writes the info dictionary uncompressed, near the end).
    static func pdfInfoString(_ name: String, in bytes: [UInt8]) -> String? {
        let needle = Array(name.utf8)
        var found: Int?
        var from = 0
        while let at = find(needle, in: bytes, from: from) {
            found = at
            from = at + 1
        }
        guard var index = found.map({ $0 + needle.count }) else { return nil }
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count else { return nil }
        var raw: [UInt8] = []
        if bytes[index] == UInt8(ascii: "(") {
            var depth = 0
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    let escaped = bytes[index]
                    switch escaped {
                    case UInt8(ascii: "n"): raw.append(0x0A)
                    case UInt8(ascii: "r"): raw.append(0x0D)
                    case UInt8(ascii: "t"): raw.append(0x09)
                    case UInt8(ascii: "b"): raw.append(0x08)
                    case UInt8(ascii: "f"): raw.append(0x0C)
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var value = 0, digits = 0
                        while digits < 3, index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index]) {
                            value = value * 8 + Int(bytes[index] - UInt8(ascii: "0"))
                            digits += 1
                            index += 1
                        }
                        raw.append(UInt8(value & 0xFF))
                        continue
                    case 0x0A: break  // line continuation
                    default: raw.append(escaped)
                    }
                } else if byte == UInt8(ascii: "(") {
                    depth += 1
                    raw.append(byte)
                } else if byte == UInt8(ascii: ")") {
                    if depth == 0 { break }
                    depth -= 1
                    raw.append(byte)
                } else {
                    raw.append(byte)
                }
                index += 1
            }
        } else if bytes[index] == UInt8(ascii: "<") {
            index += 1
            var digits: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if let digit = hexValue(bytes[index]) { digits.append(digit) }
                index += 1
            }
            if digits.count % 2 == 1 { digits.append(0) }
            raw = stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        } else {
            return nil
        }
        if raw.starts(with: [0xFE, 0xFF]) {
            let units = stride(from: 2, to: raw.count - 1, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: raw.dropFirst(3), as: UTF8.self) }
        return latin1(raw[...])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
