import ActivationPatching
import ArgumentParser
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import MazerenderCLI
import OutputFiles
import PolicyAnalysis
import PolicyExperiments
import TestSupport
import Testing

/// `mazerender retarget` on the scale-1 reference checkpoint (32 channels at block 2): its numbers against
/// direct definitions (the vector-field JSON, single observations, the full patched field), its coordinates,
/// determinism and refusals.
@Suite("retargeting maps (retarget)", .serialized)
struct RetargetTests {
    static let groups = ["left", "down", "up", "right", "noop"]

    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", SharedFixtures.modelPath,
                                                              "--assets", SharedFixtures.assetDirectory])
    }

    static func evaluator() throws -> PolicyEvaluator {
        PolicyEvaluator(network: try SharedFixtures.network.get(),
                        renderer: ObservationRenderer(assets: try SharedFixtures.assets.get()))
    }

    static func table(_ path: String) throws -> CSVTable {
        try CSVTable(parsing: try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    /// The first seeds whose maze is at most `size` wide.
    static func smallSeeds(_ count: Int, size: Int) -> [Int32] {
        Array((Int32(0)..<Int32(400)).filter { LevelGenerator().generate(seed: $0).mazeDimension <= size }.prefix(count))
    }

    /// Rows of one intervention keyed by (x, y) = (col, row).
    static func probabilities(_ table: CSVTable, intervention: String, seed: Int32) throws -> [MazePoint: Double] {
        let index = { (name: String) in table.columns.firstIndex(of: name)! }
        var result: [MazePoint: Double] = [:]
        for row in table.rows where row[index("intervention")] == intervention && row[index("seed")] == "\(seed)" {
            let point = MazePoint(x: try #require(Int(row[index("col")])), y: try #require(Int(row[index("row")])))
            #expect(result[point] == nil, "\(point) listed twice")
            result[point] = try #require(Double(row[index("probability")]))
        }
        return result
    }

    static func cheeseFree(_ seed: Int32) -> MazeState {
        var maze = LevelGenerator().generate(seed: seed)
        maze.removeCheese()
        return maze
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-4) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("normal = the unpatched path probability computed from `vfield --no-cheese --out F.json`")
    func normalEqualsVectorFieldJSON() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        for seed: Int32 in [0, 7] {
            try Self.run(["vfield", "--seed", "\(seed)", "--no-cheese", "--out", scratch.file("vf\(seed).json")])
            let object = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: scratch.file("vf\(seed).json")))) as? [String: Any])
            var probs: [MazePoint: [Double]] = [:]
            for cell in try #require(object["cells"] as? [[String: Any]]) {
                let p = try #require(cell["probs"] as? [String: Double])
                probs[MazePoint(x: try #require(cell["x"] as? Int), y: try #require(cell["y"] as? Int))] =
                    Self.groups.map { p[$0]! }
            }
            try Self.run(["retarget", "--seeds", "\(seed)", "--conditions", "normal", "--heatmaps", "0",
                          "--out", scratch.file("r\(seed)")])
            let table = try Self.table(scratch.file("r\(seed)/retargeting.csv"))
            let got = try Self.probabilities(table, intervention: "normal", seed: seed)
            let maze = Self.cheeseFree(seed)
            let start = MazePoint(x: 0, y: 0)
            #expect(Set(got.keys) == Set(maze.openCells).subtracting([start]))
            for (target, probability) in got {
                let path = try #require(maze.shortestPath(from: start, to: target))
                var logSum = 0.0
                for (cell, next) in zip(path, path.dropFirst()) {
                    // Group order LEFT, DOWN, UP, RIGHT.
                    let group = next.x < cell.x ? 0 : next.y < cell.y ? 1 : next.y > cell.y ? 2 : 3
                    logSum += log(try #require(probs[cell])[group])
                }
                let expected = exp(logSum / Double(path.count - 1))
                #expect(Self.close(probability, expected, 1e-5), "seed \(seed) \(target): \(probability) vs \(expected)")
            }
        }
    }

    @Test("geometric mean by hand on a small maze: each step's probability from its own observation")
    func geometricMeanByHand() throws {
        let seed = try #require(Self.smallSeeds(1, size: 5).first)
        let evaluator = try Self.evaluator()
        let experiment = RetargetingExperiment(conditions: [.normal, .cheese])
        let level = try experiment.run(seed: seed, level: LevelGenerator().generate(seed: seed), evaluator: evaluator)
        let maze = Self.cheeseFree(seed)
        #expect(level.targets.map(\.square) == maze.openCells.filter { $0 != MazePoint(x: 0, y: 0) })
        for (t, target) in level.targets.enumerated() {
            // The path: from the start, adjacent open squares, as short as the breadth-first distance.
            #expect(target.path.first == MazePoint(x: 0, y: 0) && target.path.last == target.square)
            #expect(target.distance == maze.distances(from: MazePoint(x: 0, y: 0))[target.square]! + 1)
            for (a, b) in zip(target.path, target.path.dropFirst()) {
                #expect(abs(a.x - b.x) + abs(a.y - b.y) == 1 && !maze.isWall(b))
            }
            for (c, cheese) in [(0, false), (1, true)] {
                var product = 1.0
                for (cell, next) in zip(target.path, target.path.dropFirst()) {
                    var state = maze
                    if cheese { try state.moveCheese(to: target.square) }
                    try state.placeMouse(at: cell)
                    let distribution = try evaluator.evaluate([state])[0]
                    product *= Double(distribution.probability(of: try #require(VectorField.group(from: cell, to: next))))
                }
                let expected = pow(product, 1 / Double(target.path.count - 1))
                #expect(Self.close(level.probabilities[c][t], expected), "\(target.square) cheese=\(cheese)")
            }
        }
    }

    @Test("channels: per-cell batches over the path squares equal the full patched vector field (default and none)")
    func channelsEqualFullField() throws {
        let seed = try #require(Self.smallSeeds(1, size: 9).first)
        let evaluator = try Self.evaluator()
        let network = evaluator.network
        for background: Float? in [nil, 0] {
            let intervention = ChannelRetargeting(name: "3+7", channels: [3, 7], value: 4, background: background)
            let level = try RetargetingExperiment(conditions: [.channels(intervention)])
                .run(seed: seed, level: LevelGenerator().generate(seed: seed), evaluator: evaluator)
            let maze = Self.cheeseFree(seed)
            for (t, target) in level.targets.enumerated() {
                // procgen-tools: a retarget patch at the target's full-grid square, the whole vector field at once.
                let world = maze.world(target.square)
                let spec = PatchSpec(kind: .retarget, channels: .list([3, 7]), value: 4,
                                     square: ChannelCell(row: world.y, column: world.x), background: background)
                let resolver = PatchResolver(network: network) { _, _ in throw JobError("retarget needs no observation") }
                let edits = try resolver.patch(for: spec, targetSeed: Int(seed)).edits(for: network)
                let field = try VectorField(maze: maze, evaluator: evaluator, edits: edits)
                let expected = try #require(field.pathProbability(to: target.square))
                #expect(Self.close(level.probabilities[0][t], expected), "\(target.square) default \(String(describing: background))")
            }
        }
    }

    @Test("row = maze y (0 at the bottom), col = maze x; d_to_coord and the top-right divergence")
    func coordinates() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seeds = Self.smallSeeds(3, size: 11)
        try Self.run(["retarget", "--seeds", seeds.map(String.init).joined(separator: ","), "--conditions", "normal",
                      "--heatmaps", "0", "--out", scratch.file("out")])
        let table = try Self.table(scratch.file("out/retargeting.csv"))
        #expect(table.columns == ["row", "col", "maze_size", "d_to_coord", "probability", "magnitude", "intervention",
                                  "seed", "topright_path_divergence"])
        let column = { (name: String) in table.columns.firstIndex(of: name)! }
        var asymmetric = 0
        for seed in seeds {
            let maze = Self.cheeseFree(seed)
            let topRight = Set(try #require(maze.pathToTopRight))
            let rows = table.rows.filter { $0[column("seed")] == "\(seed)" }
            #expect(rows.count == maze.openCells.count - 1)
            for row in rows {
                let point = MazePoint(x: Int(row[column("col")])!, y: Int(row[column("row")])!)
                #expect(!maze.isWall(point), "\(point) is a wall: row/col swapped?")
                // A square whose mirror image is a wall tells the axes apart.
                if maze.isWall(MazePoint(x: point.y, y: point.x)) { asymmetric += 1 }
                let path = try #require(maze.shortestPath(from: MazePoint(x: 0, y: 0), to: point))
                #expect(row[column("d_to_coord")] == "\(path.count)")
                #expect(row[column("maze_size")] == "\(maze.mazeDimension)")
                #expect(row[column("topright_path_divergence")] == "\(path.filter { !topRight.contains($0) }.count)")
                #expect(row[column("magnitude")] == "")
            }
            // The top-right square lies on its own path.
            let corner = rows.first { $0[column("row")] == "\(maze.mazeDimension - 1)" && $0[column("col")] == "\(maze.mazeDimension - 1)" }
            #expect(try #require(corner)[column("topright_path_divergence")] == "0")
        }
        #expect(asymmetric > 0)
    }

    @Test("all three conditions: same bytes twice, summary and plots agree with the CSV, one heat map per level")
    func determinismAndOutputs() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seeds = Self.smallSeeds(4, size: 9).map(String.init).joined(separator: ",")
        for name in ["a", "b"] {
            try Self.run(["retarget", "--seeds", seeds, "--channels", "3,7", "--value", "4", "--max-size", "9",
                          "--out", scratch.file(name)])
        }
        let first = try String(contentsOfFile: scratch.file("a/retargeting.csv"), encoding: .utf8)
        #expect(first == (try String(contentsOfFile: scratch.file("b/retargeting.csv"), encoding: .utf8)))
        let table = try Self.table(scratch.file("a/retargeting.csv"))
        let column = { (name: String) in table.columns.firstIndex(of: name)! }
        #expect(Set(table.rows.map { $0[column("intervention")] }) == ["normal", "cheese", "3+7"])
        for row in table.rows {
            let p = try #require(Double(row[column("probability")]))
            #expect(p >= 0 && p <= 1)
            #expect(row[column("magnitude")] == (row[column("intervention")] == "3+7" ? "4" : ""))
        }
        let summary = try String(contentsOfFile: scratch.file("a/summary.md"), encoding: .utf8)
        for name in ["normal", "cheese", "3+7"] {
            let values = table.rows.filter { $0[column("intervention")] == name }.map { Double($0[column("probability")])! }
            let mean = values.reduce(0, +) / Double(values.count)
            #expect(summary.contains("| \(name) | \(values.count) | \(String(format: "%.3f", mean)) ["), "\(name)")
        }
        let plots = try FileManager.default.contentsOfDirectory(atPath: scratch.file("a/plots")).sorted()
        #expect(plots == ["probability-vs-distance.png", "probability-vs-distance.svg", "probability-vs-divergence.png",
                          "probability-vs-divergence.svg"])
        // The distance plot: one polyline per condition in palette order, through the summary's bin means.
        let svg = try String(contentsOfFile: scratch.file("a/plots/probability-vs-distance.svg"), encoding: .utf8)
        let lines = Self.polylines(svg)
        #expect(lines.map(\.stroke) == ["rgb(12.156863%,46.666667%,70.588235%)", "rgb(100%,49.803922%,5.490196%)",
                                        "rgb(17.254902%,62.745098%,17.254902%)"])
        let means = Self.tableColumns(summary, heading: "### Mean probability by path distance")
        #expect(means.count == 3)
        var pairs: [(mean: Double, y: Double)] = []
        for (line, column) in zip(lines, means) {
            #expect(line.ys.count == column.count)
            pairs += zip(column, line.ys).map { (mean: $0, y: $1) }
        }
        // y pixel = a + b · mean for all of them (the y axis is fixed at 0...1); means are rounded to 3 decimals.
        let n = Double(pairs.count)
        let mx = pairs.map(\.mean).reduce(0, +) / n, my = pairs.map(\.y).reduce(0, +) / n
        let b = pairs.map { ($0.mean - mx) * ($0.y - my) }.reduce(0, +) / pairs.map { ($0.mean - mx) * ($0.mean - mx) }.reduce(0, +)
        #expect(b < 0)
        for pair in pairs { #expect(abs(my + b * (pair.mean - mx) - pair.y) < 1, "\(pair)") }
        let heatmaps = try FileManager.default.contentsOfDirectory(atPath: scratch.file("a/heatmaps")).sorted()
        #expect(heatmaps == seeds.split(separator: ",").map { "seed-\($0).png" }.sorted())
    }

    /// The SVG's data polylines (round-joined strokes): stroke colour and vertex y coordinates.
    static func polylines(_ svg: String) -> [(stroke: String, ys: [Double])] {
        svg.components(separatedBy: "<path ").dropFirst().compactMap { element in
            guard element.contains("stroke-linejoin:round"), let colour = element.range(of: "stroke:rgb("),
                  let data = element.range(of: "d=\"") else { return nil }
            let stroke = String(element[colour.lowerBound...].dropFirst(7).prefix { $0 != ";" })
            let numbers = element[data.upperBound...].prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
            return (stroke, stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] })
        }
    }

    /// The value columns of a summary table under `heading`: per condition, the means of the rows that have one.
    static func tableColumns(_ summary: String, heading: String) -> [[Double]] {
        guard let start = summary.range(of: heading) else { return [] }
        let rows = summary[start.upperBound...].split(separator: "\n").dropFirst(2).prefix { $0.hasPrefix("|") }
        var columns: [[Double]] = []
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst()
            for (index, cell) in cells.enumerated() {
                if columns.count <= index { columns.append([]) }
                // A bin of fewer than 5 targets is marked `*` and left out of the plots.
                if !cell.hasSuffix("*"), let value = Double(cell.prefix { $0 != " " }) { columns[index].append(value) }
            }
        }
        return columns
    }

    @Test("bad channels, layers, values and conditions: one line naming the option, exit 64, no folder",
          arguments: [
              (["--channels", "40"], "--channels"),
              (["--channels", "3,3"], "--channels"),
              (["--channels", "x"], "--channels"),
              (["--channels", "cheese"], "--channels"),
              (["--layer", "embedder.block9.conv_out", "--channels", "3"], "--layer"),
              (["--layer", "embedder.fc_out", "--channels", "3"], "--layer"),
              (["--value", "nan", "--channels", "3"], "--value"),
              (["--default", "inf", "--channels", "3"], "--default"),
              (["--conditions", "normal,teleport"], "--conditions"),
              (["--conditions", "normal", "--channels", "3"], "--channels"),
              (["--max-size", "2"], "--max-size"),
          ])
    func refusals(_ extra: [String], naming option: String) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        do {
            try Self.run(["retarget", "--seeds", "0", "--out", scratch.file("out")] + extra)
            Issue.record("\(extra) was accepted")
        } catch {
            let message = Mazerender.message(for: error)
            #expect(Mazerender.exitCode(for: error) == .validationFailure, "\(extra): \(message)")
            #expect(message.contains(option), "\(extra): \(message)")
            #expect(!message.contains("\n"), "\(extra): \(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out")))
    }
}
