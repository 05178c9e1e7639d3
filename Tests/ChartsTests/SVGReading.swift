import CairoGraphics
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a chart's SVG holds, read back with `XMLParser`: filled and stroked paths outside `<defs>` (with
/// their colour and path data), and text. Cairo writes text as glyph outlines (`<symbol id="glyphF-N">`
/// in `<defs>`, placed by `<use xlink:href="#glyphF-N" x= y=>`), so text is read back by matching each
/// glyph's outline against a reference SVG that draws known characters in the same font and size.
final class SVGReading: NSObject, XMLParserDelegate {
    struct Shape {
        var fill: String?
        var stroke: String?
        var data: String
        /// Bounding box of the path's coordinates (M/L/C points). Cairo stores coordinates in 24.8 fixed
        /// point, so they are exact to 1/256 unit only.
        var bounds: Rect {
            let numbers = data.split(whereSeparator: { $0 == " " }).compactMap { Double($0) }
            let xs = stride(from: 0, to: numbers.count - 1, by: 2).map { numbers[$0] }
            let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
            let minX = xs.min() ?? 0, minY = ys.min() ?? 0
            return Rect(x: minX, y: minY, width: (xs.max() ?? 0) - minX, height: (ys.max() ?? 0) - minY)
        }
        /// Number of closed subpaths (`Z` commands; circles and rectangles are one each).
        var closedSubpaths: Int { data.split(separator: " ").count { $0 == "Z" } }
        /// Number of `M` commands (Cairo follows every `Z` with an `M` back to the subpath's start).
        var moves: Int { data.split(separator: " ").count { $0 == "M" } }
    }
    struct GlyphUse { var outline: String; var x: Double; var y: Double }

    private(set) var shapes: [Shape] = []
    private(set) var uses: [GlyphUse] = []
    private var glyphOutlines: [String: String] = [:]
    private var pendingUses: [(href: String, x: Double, y: Double)] = []
    private var currentSymbol: String?
    private var defsDepth = 0

    static func parse(_ bytes: [UInt8]) -> SVGReading? {
        let reading = SVGReading()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = reading
        guard parser.parse() else { return nil }
        reading.uses = reading.pendingUses.map { GlyphUse(outline: reading.glyphOutlines[String($0.href.dropFirst())] ?? "?", x: $0.x, y: $0.y) }
        return reading
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "defs": defsDepth += 1
        case "symbol": currentSymbol = attributes["id"]
        case "path":
            if let symbol = currentSymbol {
                glyphOutlines[symbol] = attributes["d"] ?? ""
            } else if defsDepth == 0 {
                let style = attributes["style"] ?? ""
                shapes.append(Shape(fill: SVGReading.colour("fill:rgb(", in: style), stroke: SVGReading.colour("stroke:rgb(", in: style),
                                    data: attributes["d"] ?? ""))
            }
        case "use":
            if let href = attributes["xlink:href"], href.hasPrefix("#glyph") {
                pendingUses.append((href, Double(attributes["x"] ?? "") ?? 0, Double(attributes["y"] ?? "") ?? 0))
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "defs" { defsDepth -= 1 }
        if name == "symbol" { currentSymbol = nil }
    }

    private static func colour(_ key: String, in style: String) -> String? {
        guard let range = style.range(of: key) else { return nil }
        return String(style[range.upperBound...].prefix { $0 != ")" })
    }

    /// The text runs drawn in `font`: glyphs in document order joined while they sit on one baseline less
    /// than an em apart. Glyphs of other fonts or sizes (rotated text, titles) decode as "?".
    func texts(font: Font) throws -> [String] {
        let alphabet = SVGReading.referenceGlyphs(font: font)
        var runs: [String] = []
        var current = "", last: GlyphUse?
        for use in uses {
            if let last, abs(use.y - last.y) < 0.01, use.x > last.x, use.x - last.x < font.size * 1.2 {
                current.append(alphabet[use.outline] ?? "?")
            } else {
                if !current.isEmpty { runs.append(current) }
                current = String(alphabet[use.outline] ?? "?")
            }
            last = use
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Glyph outline -> character, from an SVG drawing each character of a fixed alphabet on its own.
    static func referenceGlyphs(font: Font) -> [String: Character] {
        let characters = Array("0123456789.,−-+×⁰¹²³⁴⁵⁶⁷⁸⁹⁻()_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard let canvas = try? Canvas(format: .svg, width: 100, height: 100) else { return [:] }
        canvas.font = font
        for character in characters {
            canvas.drawText(String(character), at: Point(x: 10, y: 50), color: .black)
        }
        guard let bytes = try? canvas.finish(), let reference = SVGReading.parse(bytes) else { return [:] }
        var map: [String: Character] = [:]
        for (use, character) in zip(reference.uses, characters) { map[use.outline] = character }
        return map
    }
}
