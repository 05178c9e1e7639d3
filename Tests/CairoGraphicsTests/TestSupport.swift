import CairoGraphics
import Foundation
import FoundationXML
import TestSupport
#if canImport(FoundationXML)
#endif

/// One ARGB32 pixel as (red, green, blue, alpha) bytes, premultiplied, read through `withUnsafePixels`.
struct RGBA: Equatable, CustomStringConvertible {
    var r, g, b, a: UInt8
    var description: String { "(\(r), \(g), \(b), \(a))" }
}

extension Canvas {
    func pixel(_ x: Int, _ y: Int) throws -> RGBA {
        try withUnsafePixels { pixels, width, height, stride in
            precondition(x >= 0 && x < width && y >= 0 && y < height)
            let word = pixels.load(fromByteOffset: y * stride + x * 4, as: UInt32.self)
            return RGBA(r: UInt8(word >> 16 & 0xFF), g: UInt8(word >> 8 & 0xFF),
                        b: UInt8(word & 0xFF), a: UInt8(word >> 24))
        }
    }
}

/// A fresh empty directory under the system temporary directory.
func makeScratchDirectory() throws -> URL { try ScratchFolder("CairoGraphicsTests").url }

/// Width and height from a PNG's IHDR chunk (bytes 16..<24, big-endian), nil if the signature is wrong.
func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    guard bytes.count >= 24, bytes.starts(with: pngSignature), bytes[12..<16].elementsEqual("IHDR".utf8) else {
        return nil
    }
    func bigEndian(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (bigEndian(16), bigEndian(20))
}

let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// Counts elements by name and keeps the root element's attributes.
final class SVGSummary: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var rootAttributes: [String: String]?
    var pathsOutsideDefs = 0
    private var defsDepth = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if rootAttributes == nil { rootAttributes = attributes }
        if name == "defs" || name == "symbol" { defsDepth += 1 }
        if name == "path" && defsDepth == 0 { pathsOutsideDefs += 1 }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "defs" || name == "symbol" { defsDepth -= 1 }
    }

    static func parse(_ bytes: [UInt8]) -> SVGSummary? {
        let summary = SVGSummary()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = summary
        return parser.parse() ? summary : nil
    }
}
