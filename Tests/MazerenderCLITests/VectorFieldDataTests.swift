import ArgumentParser
import DataJobs
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import MazerenderCLI
import OutputFiles
import TestSupport
import Testing

/// `vfield` / `vfield-diff` data (`--out F.json`, `--data F.json`) and the maze edits of the figure commands, run
/// in-process on the scale-1 reference checkpoint.
@Suite("vector-field data and maze edits", .serialized)
struct VectorFieldDataTests {
    static let seed: Int32 = 0
    static let groups = ["left", "down", "up", "right", "noop"]

    /// Runs `mazerender ARGUMENTS --model <reference> --assets <procgen>`.
    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", SharedFixtures.modelPath,
                                                              "--assets", SharedFixtures.assetDirectory])
    }

    /// Runs a command whose `--out` is `name` in a scratch directory and returns the parsed JSON object.
    static func json(_ arguments: [String], in scratch: ScratchFolder, name: String = "vf.json") throws -> [String: Any] {
        try run(arguments + ["--out", scratch.file(name)])
        return try parse(scratch.file(name))
    }

    static func parse(_ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(object as? [String: Any])
    }

    static func maze(_ edits: MazeEdits = MazeEdits()) throws -> MazeState {
        var maze = LevelGenerator().generate(seed: seed)
        try edits.apply(to: &maze)
        return maze
    }

    static func point(_ value: Any?) -> MazePoint? {
        guard let pair = value as? [Int], pair.count == 2 else { return nil }
        return MazePoint(x: pair[0], y: pair[1])
    }

    static func cells(_ object: [String: Any]) throws -> [MazePoint: [String: Any]] {
        let list = try #require(object["cells"] as? [[String: Any]])
        var result: [MazePoint: [String: Any]] = [:]
        for cell in list {
            let position = MazePoint(x: try #require(cell["x"] as? Int), y: try #require(cell["y"] as? Int))
            #expect(result[position] == nil, "cell \(position) listed twice")
            result[position] = cell
        }
        return result
    }

    /// (probs in group order, logits) of a cell's `probs`/`logits` pair.
    static func outputs(_ cell: [String: Any]) throws -> (probs: [Double], logits: [Double]) {
        let probs = try #require(cell["probs"] as? [String: Double])
        #expect(Set(probs.keys) == Set(groups))
        let logits = try #require(cell["logits"] as? [Double])
        #expect(logits.count == 15)
        return (groups.map { probs[$0] ?? .nan }, logits)
    }

    /// procgen's five groups of the softmax of `logits`.
    static func groupedSoftmax(_ logits: [Double]) -> [Double] {
        let top = logits.max()!
        let exps = logits.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return ActionGroup.allCases.map { group in group.actionIndices.reduce(0) { $0 + exps[$1] } / total }
    }

    @Test("vfield JSON: schema, one cell per legal position, probs from logits, start cell equal to `logits`")
    func fieldData() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let data = try Self.json(["vfield", "--seed", "\(Self.seed)"], in: scratch)
        #expect(Set(data.keys) == ["seed", "maze_dim", "model", "patches", "cheese", "decision_square", "cells"])
        let maze = try Self.maze()
        #expect(data["seed"] as? Int == Int(Self.seed))
        #expect(data["maze_dim"] as? Int == maze.mazeDimension)
        #expect(data["model"] as? String == SharedFixtures.modelPath)
        #expect((data["patches"] as? [String]) == [])
        #expect(Self.point(data["cheese"]) == maze.cheeseMaze)
        #expect(maze.decisionSquare != nil && Self.point(data["decision_square"]) == maze.decisionSquare)

        let cells = try Self.cells(data)
        #expect(Set(cells.keys) == Set(maze.legalMousePositions))
        for (position, cell) in cells {
            #expect(Set(cell.keys) == ["x", "y", "probs", "logits"])
            let (probs, logits) = try Self.outputs(cell)
            #expect(abs(probs.reduce(0, +) - 1) < 1e-5, "\(position): probs sum to \(probs.reduce(0, +))")
            for (p, q) in zip(probs, Self.groupedSoftmax(logits)) { #expect(abs(p - q) < 1e-5, "\(position): \(probs)") }
        }

        // The start cell is what `mazerender logits` prints for the seed (another batch: a tolerance).
        let jobs = PolicyJobs(network: try SharedFixtures.network.get(),
                              renderer: ObservationRenderer(assets: try SharedFixtures.assets.get()),
                              generator: LevelGenerator())
        let line = try jobs.logits(seed: Self.seed, edits: MazeEdits(), patches: []).text
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let start = try Self.outputs(try #require(cells[MazePoint(x: 0, y: 0)]))
        let reference = try Self.outputs(printed)
        for (a, b) in zip(start.logits, reference.logits) { #expect(abs(a - b) < 1e-5, "\(start.logits) vs \(reference.logits)") }
        for (a, b) in zip(start.probs, reference.probs) { #expect(abs(a - b) < 1e-5) }
    }

    @Test("floats are written in Float32's shortest round-tripping text")
    func floatText() {
        #expect(JSONValue.float(0.1).text == "0.1")
        #expect(JSONValue.floats([1, -2.5]).text == "[1.0, -2.5]")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            guard value.isFinite else { continue }
            #expect(Float(JSONValue.float(value).text) == value)
        }
    }

    @Test("vfield-diff JSON: original and patched per cell; the cheese vector changes the patched side")
    func diffData() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let plain = try Self.cells(try Self.json(["vfield", "--seed", "\(Self.seed)"], in: scratch, name: "plain.json"))
        let data = try Self.json(["vfield-diff", "--seed", "\(Self.seed)", "--patch", "cheese:coeff=-1"], in: scratch)
        #expect((data["patches"] as? [String]) == ["cheese:coeff=-1"])
        let cells = try Self.cells(data)
        #expect(Set(cells.keys) == Set(plain.keys))
        var largest = 0.0
        for (position, cell) in cells {
            #expect(Set(cell.keys) == ["x", "y", "probs", "logits", "patched"])
            let original = try Self.outputs(cell), unpatched = try Self.outputs(try #require(plain[position]))
            for (a, b) in zip(original.logits, unpatched.logits) { #expect(abs(a - b) < 1e-5) }
            let patched = try Self.outputs(try #require(cell["patched"] as? [String: Any]))
            #expect(abs(patched.probs.reduce(0, +) - 1) < 1e-5)
            for (p, q) in zip(patched.probs, Self.groupedSoftmax(patched.logits)) { #expect(abs(p - q) < 1e-5) }
            largest = max(largest, zip(patched.probs, original.probs).map { abs($0 - $1) }.max()!)
        }
        // The scale-1 reference network is small and barely reacts to the cheese (about 8e-4 at most on seed 0),
        // but that is far above float noise (~1e-7): an unapplied patch would leave the two sides equal.
        #expect(largest > 1e-4, "the cheese vector changed no probability by more than \(largest)")
    }

    @Test("--no-cheese and --cheese X,Y edit the maze the field is computed on")
    func editedData() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let removed = try Self.json(["vfield", "--seed", "\(Self.seed)", "--no-cheese"], in: scratch, name: "none.json")
        #expect(removed["cheese"] is NSNull)
        #expect(removed["decision_square"] is NSNull)
        let withoutCheese = try Self.maze(MazeEdits(removeCheese: true))
        #expect(Set(try Self.cells(removed).keys) == Set(withoutCheese.legalMousePositions))

        let original = try Self.maze()
        let target = try #require(original.legalMousePositions.last { $0 != MazePoint(x: 0, y: 0) && $0 != original.cheeseMaze })
        let moved = try Self.json(["vfield", "--seed", "\(Self.seed)", "--cheese", "\(target.x),\(target.y)"], in: scratch)
        let edited = try Self.maze(MazeEdits(cheese: target))
        #expect(Self.point(moved["cheese"]) == target)
        #expect(Self.point(moved["decision_square"]) == edited.decisionSquare)
        let cells = try Self.cells(moved)
        #expect(cells[target] == nil)
        #expect(Set(cells.keys) == Set(edited.legalMousePositions))
    }

    @Test("figures still render with edits: --data beside a PNG, an edited maze's picture differs")
    func editedFigures() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seed = ["--seed", "\(Self.seed)"]
        try Self.run(["vfield"] + seed + ["--out", scratch.file("a.png"), "--data", scratch.file("a.json")])
        try Self.run(["vfield"] + seed + ["--out", scratch.file("b.json")])
        #expect(try String(contentsOfFile: scratch.file("a.json"), encoding: .utf8)
            == String(contentsOfFile: scratch.file("b.json"), encoding: .utf8))
        try Self.run(["vfield"] + seed + ["--no-cheese", "--out", scratch.file("c.png")])
        try Self.run(["vfield"] + seed + ["--facing", "right", "--out", scratch.file("d.png")])
        let images = try ["a.png", "c.png", "d.png"].map { try Data(contentsOf: URL(fileURLWithPath: scratch.file($0))) }
        #expect(images.allSatisfy { $0.starts(with: [0x89, 0x50, 0x4E, 0x47]) })
        #expect(images[0] != images[1], "--no-cheese did not change the vector field picture")
        #expect(images[0] != images[2], "--facing right did not change the vector field picture")

        let heat = ["heatmap"] + seed + ["--channels", "3"]
        try Self.run(heat + ["--out", scratch.file("h.png")])
        try Self.run(heat + ["--facing", "right", "--out", scratch.file("h-right.png")])
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.file("h.png")))
            != Data(contentsOf: URL(fileURLWithPath: scratch.file("h-right.png"))))
        #expect(try Self.parse(scratch.file("a.json"))["model"] as? String == SharedFixtures.modelPath)
    }

    @Test("usage errors: --mouse, --data with a .json --out, a --data that is not .json", arguments: [
        (["vfield", "--seed", "0", "--mouse", "1,0", "--out", "vf.png"], "--mouse"),
        (["vfield", "--seed", "0", "--out", "vf.json", "--data", "d.json"], "--data"),
        (["vfield-diff", "--seed", "0", "--patch", "cheese", "--out", "vf.png", "--data", "d.png"], ".json"),
    ])
    func refuses(arguments: [String], naming: String) {
        do {
            _ = try Mazerender.parseAsRoot(arguments + ["--model", SharedFixtures.modelPath])
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(Mazerender.exitCode(for: error) == .validationFailure)
            #expect(Mazerender.message(for: error).contains(naming), "\(Mazerender.message(for: error))")
        }
    }
}
