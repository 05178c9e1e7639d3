import Foundation
import MazerenderCLI
import TestSupport
import Testing

/// The attribution guide's first examples (docs/attribution.md), run as written (the bundled agent, outputs in a
/// scratch folder), and the numbers the guide quotes for the first.
@Suite("docs/attribution.md: attribute, value-map examples", .serialized)
struct AttributionReadmeTests {
    /// The `mazerender` lines of the guide's first shell block, under its title "# Attribution and value maps".
    static func exampleLines() throws -> [[String]] {
        let guide = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/attribution.md"), encoding: .utf8)
        let section = try #require(guide.components(separatedBy: "# Attribution and value maps").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```bash\n").dropFirst().first?.components(separatedBy: "```").first)
        return block.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.first == "mazerender" }
    }

    @Test func examplesRunAndTheQuotedNumbersHold() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let lines = try Self.exampleLines()
        #expect(lines.count == 3)
        for line in lines {
            var arguments = Array(line.dropFirst())
            let outIndex = try #require(arguments.firstIndex(of: "--out")) + 1
            arguments[outIndex] = scratch.file(arguments[outIndex])
            try Mazerender.run(arguments: arguments + ["--assets", SharedFixtures.assetDirectory])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: arguments[outIndex]))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(arguments[outIndex]) is a PNG")
        }
        // The first example as numbers: P(left) 0.0057 with the cheese, 8.5e-5 without.
        var first = Array(lines[0].dropFirst())
        first[first.firstIndex(of: "--out")! + 1] = scratch.file("left.json")
        try Mazerender.run(arguments: first + ["--assets", SharedFixtures.assetDirectory])
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.file("left.json"))))
            as? [String: Any])
        let value = try #require(json["target_value"] as? Double), start = try #require(json["baseline_value"] as? Double)
        #expect(String(format: "%.2g", value) == "0.0057" && String(format: "%.2g", start) == "8.5e-05", "\(value), \(start)")
    }
}
