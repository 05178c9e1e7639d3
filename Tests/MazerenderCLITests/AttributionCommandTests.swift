import ArgumentParser
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import MazerenderCLI
import ModelFiles
import PolicyAnalysis
import PolicyGradients
import Tensors
import TestSupport
import Testing

/// `attribute` and `value-map` on the scale-1 reference checkpoint: what the files mean, against the library.
@Suite("attribute, value-map", .serialized)
struct AttributionCommandTests {
    /// Runs `mazerender ARGUMENTS --model <reference> --assets <procgen>`.
    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", SharedFixtures.modelPath, "--assets", SharedFixtures.assetDirectory])
    }

    static func observation(seed: Int32, mouse: MazePoint? = nil, removeCheese: Bool = false) throws -> Tensor {
        var maze = LevelGenerator().generate(seed: seed)
        try MazeEdits(mouse: mouse, removeCheese: removeCheese).apply(to: &maze)
        return try SharedFixtures.renderer().networkInput(for: [maze])
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test("attribute --method gradient --out .npy is the library's input gradient")
    func gradientArray() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.run(["attribute", "--seed", "3", "--target", "log:up", "--method", "gradient", "--out", scratch.file("g.npy")])
        let written = try NumpyFile.read(contentsOf: scratch.url.appendingPathComponent("g.npy")).tensor
        #expect(written.shape == [3, 64, 64])
        let reversePass = ReversePass(network: try SharedFixtures.network.get())
        let expected = try reversePass.gradient(of: .logProbability(.up), at: try Self.observation(seed: 3)).gradient
        #expect(written.maxAbsoluteDifference(to: expected.reshaped([3, 64, 64])) <= 1e-7)
        #expect(written.scalars.contains { $0 != 0 })
    }

    @Test("integrated gradients from the no-cheese baseline live on the cheese's pixels and add up to the change")
    func noCheeseBaselineIsolatesTheCheese() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let arguments = ["attribute", "--seed", "0", "--mouse", "4,6", "--target", "left", "--baseline", "no-cheese",
                         "--steps", "16"]
        try Self.run(arguments + ["--out", scratch.file("ig.npy")])
        try Self.run(arguments + ["--out", scratch.file("ig.json")])
        let attribution = try NumpyFile.read(contentsOf: scratch.url.appendingPathComponent("ig.npy")).tensor
        let with = try Self.observation(seed: 0, mouse: MazePoint(x: 4, y: 6))
        let without = try Self.observation(seed: 0, mouse: MazePoint(x: 4, y: 6), removeCheese: true)
        var onCheese = 0
        for i in 0..<attribution.count {
            if with.scalars[i] == without.scalars[i] { #expect(attribution.scalars[i] == 0) } else { onCheese += 1 }
        }
        #expect(onCheese > 0)
        let numbers = try Self.json(scratch.file("ig.json"))
        #expect(numbers["target"] as? String == "left" && numbers["baseline"] as? String == "no-cheese")
        #expect(numbers["steps"] as? Int == 16 && numbers["integration"] as? String == "gausslegendre")
        let value = try #require(numbers["target_value"] as? Double), start = try #require(numbers["baseline_value"] as? Double)
        let sum = attribution.scalars.reduce(0.0) { $0 + Double($1) }
        let error = try #require(numbers["completeness_error"] as? Double)
        #expect(abs(error - (sum - (value - start))) <= 1e-6 * max(1, abs(value - start)))
        #expect(abs(error) <= 0.05 * abs(value - start) + 1e-6, "completeness error \(error) for a change of \(value - start)")
        let output = try SharedFixtures.network.get().forward(with)
        #expect(abs(Float(value) - output.groupProbabilities[0, 0]) <= 1e-6)
    }

    @Test("attribute --layer writes the site's shape and channel totals; the SVG draws the ranking and maps")
    func siteAttribution() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let arguments = ["attribute", "--seed", "1", "--target", "value", "--method", "gradient-x-input",
                         "--layer", "embedder.block2.res1.resadd_out"]
        try Self.run(arguments + ["--out", scratch.file("site.npy")])
        try Self.run(arguments + ["--out", scratch.file("site.json")])
        try Self.run(arguments + ["--out", scratch.file("site.svg")])
        let attribution = try NumpyFile.read(contentsOf: scratch.url.appendingPathComponent("site.npy")).tensor
        #expect(attribution.shape == [32, 16, 16])
        let totals = try #require(try Self.json(scratch.file("site.json"))["channel_totals"] as? [Double])
        #expect(totals.count == 32)
        for c in [0, 17, 31] {
            let sum = attribution.scalars[(c * 256)..<((c + 1) * 256)].reduce(0, +)
            #expect(abs(Double(sum) - totals[c]) <= 1e-6 * max(1, abs(totals[c])))
        }
        let svg = try String(contentsOfFile: scratch.file("site.svg"), encoding: .utf8)
        // Four maze views, four channel overlays and the colour bar are images; the 16 largest totals are bars,
        // red when positive, blue when negative.
        #expect(svg.components(separatedBy: "<image").count - 1 == 9)
        let top = totals.indices.sorted { abs(totals[$0]) > abs(totals[$1]) }.prefix(16)
        let red = svg.components(separatedBy: "fill:rgb(84%,19%,15%)").count - 1
        let blue = svg.components(separatedBy: "fill:rgb(19%,40%,75%)").count - 1
        #expect(red == top.filter { totals[$0] >= 0 }.count && red + blue == 16, "\(red) red and \(blue) blue bars")
    }

    @Test("value-map --out .json holds the library's values, plain and patched")
    func valueMapJSON() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.run(["value-map", "--seed", "2", "--patch", "cheese:coeff=-1", "--out", scratch.file("vm.json")])
        let json = try Self.json(scratch.file("vm.json"))
        #expect(json["seed"] as? Int == 2 && json["patches"] as? [String] == ["cheese:coeff=-1"])
        let maze = LevelGenerator().generate(seed: 2)
        #expect(json["maze_dim"] as? Int == maze.mazeDimension)
        let cells = try #require(json["cells"] as? [[String: Any]])
        let evaluator = PolicyEvaluator(network: try SharedFixtures.network.get(), renderer: try SharedFixtures.renderer())
        let plain = try ValueMap(maze: maze, evaluator: evaluator)
        #expect(cells.count == plain.positions.count)
        var changed = 0
        for cell in cells {
            let point = MazePoint(x: cell["x"] as! Int, y: cell["y"] as! Int)
            let value = try #require(plain.value(at: point))
            #expect(Float(cell["value"] as! Double) == value)
            if cell["patched"] as! Double != cell["value"] as! Double { changed += 1 }
        }
        #expect(changed > cells.count / 2)
    }

    @Test("usage errors name the option")
    func usageErrors() throws {
        func message(_ arguments: [String]) -> String {
            do {
                _ = try Mazerender.parseAsRoot(arguments + ["--model", SharedFixtures.modelPath])
                return ""
            } catch {
                return Mazerender.message(for: error)
            }
        }
        #expect(message(["attribute", "--seed", "0", "--target", "upward", "--out", "a.npy"]).contains("--target upward"))
        #expect(message(["attribute", "--seed", "0", "--target", "up", "--out", "a.txt"]).contains("--out"))
        #expect(message(["attribute", "--seed", "0", "--target", "up", "--steps", "0", "--out", "a.npy"]).contains("--steps 0"))
        #expect(message(["attribute", "--seed", "0", "--target", "up", "--layer", "embedder.block9", "--out", "a.npy"])
            .contains("--layer"))
        #expect(message(["value-map", "--seed", "0", "--mouse", "1,1", "--out", "v.json"]).contains("--mouse"))
        #expect(Mazerender.exitCode(for: ValidationError("x")).rawValue == 64)
    }
}
