import CairoGraphics
import Foundation
import OutputFiles
import Testing

/// `EmbeddedMetadata`: key-value text written into PNG, SVG and GIF bytes and read back, byte-level checks of
/// the chunks and blocks, and one-line errors for broken files.
@Suite("embedded metadata")
struct EmbeddedMetadataTests {
    static let entries: EmbeddedMetadata.Entries = [
        (key: "Software", value: "mazerender 0.10.0"),
        (key: "Command", value: "mazerender vfield --seed 0 --title 'A & <B>' --out x.png"),
        (key: "Model", value: "agent.pth (sha256 0123456789ab)"),
        (key: "Seeds", value: "0..3,7"),
        (key: "Patches", value: "cheese:coeff=-1; ablate:channels=55"),
    ]

    static func pairs(_ entries: EmbeddedMetadata.Entries) -> [String] { entries.map { "\($0.key)=\($0.value)" } }

    /// A small PNG from Cairo.
    static func png() throws -> [UInt8] {
        let canvas = try Canvas(width: 8, height: 4)
        canvas.paint(.white)
        return try canvas.pngBytes()
    }

    @Test("PNG: one tEXt chunk per pair right after IHDR, valid CRCs, read back in order; non-ASCII goes to iTXt")
    func pngRoundTrip() throws {
        let plain = try Self.png()
        var entries = Self.entries
        entries.append((key: "Title", value: "Fläche – ½"))
        let bytes = try EmbeddedMetadata.inserting(entries, into: plain, format: .png, path: "t.png")
        #expect(EmbeddedMetadata.Format(sniffing: bytes) == .png)
        let read = try EmbeddedMetadata.read(bytes, format: .png, path: "t.png")
        #expect(Self.pairs(read) == Self.pairs(entries))
        // Chunk walk by hand: IHDR, then the text chunks, then Cairo's own chunks unchanged.
        var offset = 8, types: [String] = []
        while offset < bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            types.append(String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self))
            offset += 12 + length
        }
        #expect(Array(types.prefix(7)) == ["IHDR", "tEXt", "tEXt", "tEXt", "tEXt", "tEXt", "iTXt"])
        #expect(offset == bytes.count)
        #expect(bytes.count - plain.count == entries.reduce(0) { $0 + 12 + $1.key.utf8.count + 1 + $1.value.utf8.count }
                    + 4)  // iTXt adds compression flag, method, two empty strings' NULs
    }

    @Test("PNG: a flipped byte, a cut file and a key PNG cannot hold fail in one line naming the file")
    func pngErrors() throws {
        let bytes = try EmbeddedMetadata.inserting(Self.entries, into: Self.png(), format: .png, path: "t.png")
        var flipped = bytes
        flipped[40] ^= 0x01
        #expect(throws: EmbeddedMetadataError.self) { try EmbeddedMetadata.read(flipped, format: .png, path: "f.png") }
        do {
            _ = try EmbeddedMetadata.read(Array(bytes.prefix(60)), format: .png, path: "cut.png")
            Issue.record("a cut PNG was read")
        } catch {
            #expect(error.description.hasPrefix("cut.png: corrupt file (") && !error.description.contains("\n"))
        }
        #expect(throws: EmbeddedMetadataError.self) {
            try EmbeddedMetadata.inserting([(key: "", value: "x")], into: Self.png(), format: .png, path: "k.png")
        }
    }

    @Test("SVG: a <metadata> element after the root tag, XML-escaped, read back exactly")
    func svgRoundTrip() throws {
        let canvas = try Canvas(format: .svg, width: 20, height: 10)
        canvas.paint(.white)
        let plain = try canvas.finish()
        let bytes = try EmbeddedMetadata.inserting(Self.entries, into: plain, format: .svg, path: "t.svg")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("&apos;A &amp; &lt;B&gt;&apos;"))
        #expect(!text.contains("'A & <B>'"))
        let root = try #require(text.range(of: "<svg"))
        let metadata = try #require(text.range(of: "<metadata>"))
        #expect(root.lowerBound < metadata.lowerBound)
        #expect(Self.pairs(try EmbeddedMetadata.read(bytes, format: .svg, path: "t.svg")) == Self.pairs(Self.entries))
        #expect(try EmbeddedMetadata.read(plain, format: .svg, path: "plain.svg").isEmpty)
    }

    @Test("GIF: one comment extension after the colour table, found by walking every block; a cut GIF is corrupt")
    func gifRoundTrip() throws {
        // A 1x1 GIF89a: header, screen descriptor with a 2-colour table, one image, trailer.
        let gif: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
                                                   0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B]
        #expect(try EmbeddedMetadata.read(gif, format: .gif, path: "plain.gif").isEmpty)
        var long = Self.entries
        long.append((key: "Patches", value: String(repeating: "ablate:channels=1;", count: 40)))  // > 255 bytes
        let bytes = try EmbeddedMetadata.inserting(long, into: gif, format: .gif, path: "t.gif")
        #expect(Array(bytes[19..<21]) == [0x21, 0xFE])
        #expect(bytes.last == 0x3B)
        #expect(Self.pairs(try EmbeddedMetadata.read(bytes, format: .gif, path: "t.gif")) == Self.pairs(long))
        #expect(throws: EmbeddedMetadataError.self) {
            try EmbeddedMetadata.read(Array(bytes.dropLast(3)), format: .gif, path: "cut.gif")
        }
    }

    @Test("PDF: Cairo's info dictionary gives Subject lines and the Title back, hex UTF-16 included")
    func pdfRoundTrip() throws {
        let canvas = try Canvas(format: .pdf, width: 20, height: 10)
        canvas.paint(.white)
        var entries = Self.entries
        entries.insert((key: "Title", value: "Fläche (1)"), at: 0)
        let bytes = try canvas.fileBytes(metadata: entries, path: "t.pdf")
        #expect(EmbeddedMetadata.Format(sniffing: bytes) == .pdf)
        #expect(Self.pairs(try EmbeddedMetadata.read(bytes, format: .pdf, path: "t.pdf")) == Self.pairs(entries))
        #expect(throws: CairoError.self) { try canvas.fileBytes(metadata: entries, path: "again.pdf") }
    }

    @Test("seed lists: runs of three or more become A..B, order kept")
    func seedText() {
        #expect(Provenance.seedText([0, 1, 2, 3, 7]) == "0..3,7")
        #expect(Provenance.seedText([5, 6, 9, 10, 11, 2]) == "5,6,9..11,2")
        #expect(Provenance.seedText([Int32]()) == "")
    }
}
