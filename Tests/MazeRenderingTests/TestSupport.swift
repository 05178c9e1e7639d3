import CairoGraphics
import Foundation
import FoundationXML
import MazeObservation
import MazeRendering
import MazeSimulation
import PolicyAnalysis
import TestSupport
import Testing
#if canImport(FoundationXML)
#endif

/// Paths and shared loads. The package root is found from this file's path; goldens live beside the tests.
enum Fixtures {
    static let packageRoot = PackagePaths.root
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let templateDirectory = PackagePaths.templateDirectory
    /// The scale-1 PyTorch reference checkpoint (not copied into the project).
    static let referenceModel = URL(fileURLWithPath: PackagePaths.referenceModel)

    static let assets: Result<ObservationAssets, ObservationAssetError> = Result {
        () throws(ObservationAssetError) -> ObservationAssets in
        try ObservationAssets(directory: packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory).path)
    }

    static func renderer() throws -> ObservationRenderer { ObservationRenderer(assets: try assets.get()) }
    static func sprites() throws -> MazeSprites { try MazeSprites(assets: try assets.get()) }

    static let generator = LevelGenerator()

    /// Set `MAZERENDER_RECORD_GOLDENS=1` to rewrite the golden images instead of comparing with them.
    static var recordingGoldens: Bool { ProcessInfo.processInfo.environment["MAZERENDER_RECORD_GOLDENS"] == "1" }

    /// Set `MAZERENDER_KEEP_RENDERS=DIR` to keep the template renders there for inspection.
    static var keptRenderDirectory: String? { ProcessInfo.processInfo.environment["MAZERENDER_KEEP_RENDERS"] }
}

/// Compares PNG bytes with `Golden/<name>.png`: at most 0.5% of pixels may differ by more than 24 in any
/// channel and the mean absolute channel difference must stay under 1 (room for Cairo/pixman rounding changes).
/// With `MAZERENDER_RECORD_GOLDENS=1` the golden is (re)written and the test records an issue to say so.
func expectMatchesGolden(_ png: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = Fixtures.goldenDirectory.appendingPathComponent("\(name).png")
    if Fixtures.recordingGoldens {
        try Data(png).write(to: url)
        Issue.record("re-recorded golden \(url.path); unset MAZERENDER_RECORD_GOLDENS to compare", sourceLocation: sourceLocation)
        return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
        Issue.record("missing golden \(url.path); run with MAZERENDER_RECORD_GOLDENS=1 to create it", sourceLocation: sourceLocation)
        return
    }
    let expected = try PNGDecoder.decode([UInt8](data)), actual = try PNGDecoder.decode(png)
    #expect(actual.width == expected.width && actual.height == expected.height, "size differs from \(name)", sourceLocation: sourceLocation)
    guard actual.width == expected.width, actual.height == expected.height else { return }
    var differing = 0, total = 0
    for pixel in 0..<(actual.width * actual.height) {
        var worst = 0
        for channel in 0..<4 {
            let d = abs(Int(actual.bytes[4 * pixel + channel]) - Int(expected.bytes[4 * pixel + channel]))
            worst = max(worst, d)
            total += d
        }
        if worst > 24 { differing += 1 }
    }
    let pixels = actual.width * actual.height
    let mean = Double(total) / Double(4 * pixels)
    #expect(Double(differing) <= 0.005 * Double(pixels) && mean < 1,
            "\(name): \(differing) of \(pixels) pixels differ by more than 24, mean difference \(mean)",
            sourceLocation: sourceLocation)
}

/// A made-up vector field that puts `toward` on the step along the shortest path to the cheese (or to the
/// top-right cell when there is none), `(1 - toward) / 4` on the other groups. No network involved.
func syntheticField(_ maze: MazeState, toward: Float = 0.8) -> VectorField {
    let goal = maze.cheeseMaze ?? maze.topRightCell
    let positions = maze.legalMousePositions
    let rest = (1 - toward) / 4
    let distributions = positions.map { cell -> ActionDistribution in
        var groups = [Float](repeating: rest, count: 5)
        if let path = maze.shortestPath(from: cell, to: goal), path.count > 1,
           let group = VectorField.group(from: cell, to: path[1]) {
            groups[[.left, .down, .up, .right].firstIndex(of: group)!] = toward
        } else {
            groups[4] = toward
        }
        return ActionDistribution(logits: [], actions: [], groups: groups, value: 0)
    }
    return VectorField(maze: maze, positions: positions, distributions: distributions)
}

/// Counts filled paths outside `<defs>` (where Cairo keeps glyph outlines) by fill colour, and embedded images.
final class SVGCounter: NSObject, XMLParserDelegate {
    private(set) var paths: [String: Int] = [:]   // fill colour -> count
    private(set) var images = 0
    private var defsDepth = 0

    static func count(_ bytes: [UInt8]) -> SVGCounter? {
        let counter = SVGCounter()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "defs" { defsDepth += 1 }
        // Cairo puts embedded images in <defs> and places them with <use>.
        if name == "image" { images += 1 }
        guard defsDepth == 0 else { return }
        if name == "path", let style = attributes["style"],
           let range = style.range(of: "fill:rgb(") {
            let fill = style[range.upperBound...].prefix { $0 != ")" }
            paths[String(fill), default: 0] += 1
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "defs" { defsDepth -= 1 }
    }
}
