import ActivationPatching
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import TestSupport
import Testing

/// The DocC article `UsingTheLibrary.md` shows a program; this test runs its statements (between the markers
/// below: the article's, word for word, except its prints, its imports and the model path, which is absolute here)
/// and checks what it prints against the evaluator called directly.
@Suite("the library article's example", .serialized)
struct LibraryArticleTests {
    static let articlePath = "Sources/PolicyAnalysis/PolicyAnalysis.docc/UsingTheLibrary.md"

    func example(print: (String) -> Void) throws -> MazeState {
        // article begins
        // Level 0 as procgen 0.10.7 builds it (hard mode); coordinates are maze cells, (0, 0) bottom left.
        let generator = LevelGenerator()
        var maze = generator.generate(seed: 0)
        let renderer = ObservationRenderer(assets: try ObservationAssets.load())
        let modelPath = PackagePaths.bundledModel
        let network = try ImpalaNetwork(contentsOf: URL(fileURLWithPath: modelPath))
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)

        // What the policy does at the start: 15 action probabilities, 5 grouped ones, the value.
        let start = try evaluator.evaluate([maze])[0]
        print("P(up) = \(start.probability(of: .up)) value = \(start.value)")

        // The cheese vector subtracted, as `--patch cheese:coeff=-1`; the edits apply to every later forward pass.
        let edits = try resolveEdits(specs: [PatchSpec(parsing: "cheese:coeff=-1")], targetSeed: 0,
                                     network: network, renderer: renderer, generator: generator)
        let patched = try evaluator.evaluate([maze], edits: edits)[0]
        print("patched P(up) = \(patched.probability(of: .up))")

        // The unpatched policy at the decision square, as one row of a vector field.
        if let square = maze.decisionSquare {
            let there = try evaluator.evaluate(maze, mouseCells: [square])[0]
            print("decision square \(square) P(left) = \(there.probability(of: .left))")
        }

        // Ten argmax moves of the patched policy.
        for _ in 0..<10 {
            let step = try evaluator.evaluate([maze], edits: edits)[0]
            _ = maze.applyMove(MazeAction(rawValue: step.argmaxAction)!)
        }
        print("mouse after 10 moves: \(maze.mouseMaze)")
        // article ends
        return maze
    }

    /// The statements that must match: lines without blank ones, comments, imports, prints (the article prints
    /// with `print(a, b)`, the test collects strings) and the model path.
    static func statements(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("print(") && !$0.hasPrefix("import ") && !$0.hasPrefix("//")
                && !$0.hasPrefix("let modelPath =") }
    }

    @Test("the article's statements are the ones this test runs")
    func articleMatches() throws {
        let article = try String(contentsOf: PackagePaths.root.appendingPathComponent(Self.articlePath), encoding: .utf8)
        let block = try #require(article.components(separatedBy: "```swift\n").dropFirst().first?
            .components(separatedBy: "```").first)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let body = try #require(source.components(separatedBy: "// article begins\n").dropFirst().first?
            .components(separatedBy: "// article ends").first)
        #expect(Self.statements(block) == Self.statements(body))
        #expect(Self.statements(block).count > 10)
    }

    @Test("the example runs and prints the evaluator's numbers")
    func runs() throws {
        var lines: [String] = []
        let end = try example { lines.append($0) }
        #expect(lines.count == 4)
        // Recomputed directly: the patched start distribution differs from the plain one, the mouse moved.
        let network = try ImpalaNetwork(contentsOf: URL(fileURLWithPath: PackagePaths.bundledModel))
        let renderer = ObservationRenderer(assets: try ObservationAssets.load(directory: PackagePaths.assetDirectory))
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        let plain = try evaluator.evaluate([LevelGenerator().generate(seed: 0)])[0]
        #expect(lines[0] == "P(up) = \(plain.probability(of: .up)) value = \(plain.value)")
        #expect(lines[1] != "patched P(up) = \(plain.probability(of: .up))")
        #expect(lines[2].hasPrefix("decision square"))
        #expect(end.mouse != LevelGenerator().generate(seed: 0).mouse)
    }
}
