import ArgumentParser
import ExperimentJobs
import FigureJobs
import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import MazerenderCLI
import OutputFiles
import PolicyExperiments
import TestSupport
import Testing

/// `mazerender channels` and `mazerender scrub`, run in-process on the bundled scale-1 agent.
@Suite("channels and scrub commands", .serialized)
struct ChannelCommandTests {
    static let agent = PackagePaths.root.appendingPathComponent(ModelLocator.bundledRelativePath).path

    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", agent, "--assets", SharedFixtures.assetDirectory])
    }

    static func table(_ path: String) throws -> CSVTable {
        try CSVTable(parsing: try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    @Test("channels: channels.csv holds every channel once, ranked by F as ChannelRanking computes it; plots written")
    func channels() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.run(["channels", "--seeds", "0..<60", "--top", "3", "--map-seeds", "2", "--random-seed", "4", "--out", scratch.file("ch")])
        let table = try Self.table(scratch.file("ch/channels.csv"))
        #expect(table.columns == ChannelsJob.columns)
        #expect(table.rows.count == 32)
        #expect(Set(table.column("channel")!.compactMap(Int.init)) == Set(0..<32))
        #expect(table.column("rank")! == (1...32).map(String.init))
        #expect(table.column("top")!.filter { $0 == "1" }.count == 3)
        let f = table.column("f_score")!.map { Double($0) ?? .infinity }
        #expect(zip(f, f.dropFirst()).allSatisfy { $0 >= $1 })
        // The same ranking from the library, over the same levels and seed.
        let network = try ModelLocator.loadNetwork(explicit: Self.agent)
        let own = try FigureContext(network: network, renderer: ObservationRenderer(assets: try SharedFixtures.assets.get()))
        let layer = try ChannelLayer(ChannelLayer.defaultLabel, network: network)
        let ranking = try ChannelRanking.measure(evaluator: own.evaluator, layer: layer,
                                                 levels: (0..<60).map { LevelGenerator().generate(seed: $0) }, seed: 4)
        #expect(table.column("channel")!.compactMap(Int.init) == ranking.scores.map(\.channel))
        for (row, score) in zip(table.rows, ranking.scores) {
            // Shortest round-trip text: the CSV holds the library's values bit for bit.
            #expect(Double(row[2])! == score.fScore && Double(row[3])! == score.probeAccuracy)
            #expect(Double(row[4])! == score.meanDifference && Double(row[5])! == score.correlation)
        }
        // maps.png: 2 columns (levels) x 3 rows (top channels) of 240 px panels with colour bars; ranking.png 720x480.
        let maps = try Self.pngSize(scratch.file("ch/maps.png"))
        #expect((500...720).contains(maps.width) && maps.height > maps.width, "\(maps)")
        let rankingSize = try Self.pngSize(scratch.file("ch/ranking.png"))
        #expect(rankingSize.width == 720 && rankingSize.height == 480)
        for name in ["ranking.svg", "maps.svg"] {
            #expect(try String(contentsOfFile: scratch.file("ch/" + name), encoding: .utf8).hasPrefix("<?xml"))
        }
    }

    /// Width and height from a PNG's IHDR chunk (after checking the signature).
    static func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(bytes.count > 24 && bytes[0..<8].elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]))
        let word = { (offset: Int) in bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test("scrub: each row's change and action from its own probabilities; summary from the rows; seeded")
    func scrub() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let arguments = ["scrub", "--seeds", "0..<30", "--samples", "2", "--channels", "24,13", "--pool", "1000000..<1003000"]
        try Self.run(arguments + ["--random-seed", "5", "--out", scratch.file("a")])
        try Self.run(arguments + ["--random-seed", "5", "--out", scratch.file("b")])
        try Self.run(arguments + ["--random-seed", "6", "--out", scratch.file("c")])
        let a = try String(contentsOfFile: scratch.file("a/scrub.csv"), encoding: .utf8)
        #expect(a == (try String(contentsOfFile: scratch.file("b/scrub.csv"), encoding: .utf8)))
        #expect(a != (try String(contentsOfFile: scratch.file("c/scrub.csv"), encoding: .utf8)))
        let table = try Self.table(scratch.file("a/scrub.csv"))
        #expect(table.columns == ScrubJob.columns)
        let decisionSeeds = (0..<30).filter { LevelGenerator().generate(seed: Int32($0)).decisionSquare != nil }
        #expect(table.rows.count == decisionSeeds.count * 2 * 2 * 2)
        #expect(Set(table.column("seed")!.compactMap(Int.init)) == Set(decisionSeeds))
        let names = ["left", "down", "up", "right", "noop"]
        for row in table.rows {
            let value = { (column: String) in Double(row[table.columns.firstIndex(of: column)!])! }
            let original = names.map { value("original_p_\($0)") }, patched = names.map { value("patched_p_\($0)") }
            let tv = zip(original, patched).map { abs($0 - $1) }.reduce(0, +) / 2
            #expect(abs(value("change") - tv) < 1e-5)
            let argmax = { (p: [Double]) in names[p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }!] }
            let text = { (column: String) in row[table.columns.firstIndex(of: column)!] }
            #expect(text("original_action") == argmax(original) && text("patched_action") == argmax(patched))
            #expect(text("action_changed") == (argmax(original) != argmax(patched) ? "1" : "0"))
            if text("channel_set") == "chosen" { #expect(text("channels") == "13+24") }
            #expect(text("source_seeds").split(separator: "+").count == 2)
            // Each source level rebuilt from its seed, the resampled cell and its mouse cell: the cheese cell is open.
            let cell = WorldPoint(x: Int(text("cheese_world_x"))!, y: Int(text("cheese_world_y"))!)
            for (source, mouse) in zip(text("source_seeds").split(separator: "+"), text("source_mice").split(separator: "+")) {
                let maze = LevelGenerator().generate(seed: Int32(source)!)
                let xy = mouse.split(separator: ":").compactMap { Int($0) }
                let mouseCell = maze.world(MazePoint(x: xy[0], y: xy[1]))
                #expect(!maze.isWall(cell) && !maze.isWall(mouseCell) && mouseCell != cell)
            }
        }
        let summary = try Self.table(scratch.file("a/summary.csv"))
        #expect(summary.rows.count == 4)
        for row in summary.rows {
            let changed = table.columns.firstIndex(of: "action_changed")!, change = table.columns.firstIndex(of: "change")!
            let subset = table.rows.filter { $0[2] == row[0] && $0[3] == row[1] }
            #expect(Int(row[3]) == subset.count)
            #expect(Int(row[4]) == subset.filter { $0[changed] == "1" }.count)
            let mean = subset.map { Double($0[change])! }.reduce(0, +) / Double(subset.count)
            #expect(Double(row[6])! == mean)
        }
        #expect(summary.rows[0][2] == "24+13")
        let scatter = try Self.pngSize(scratch.file("a/scatter.png"))
        #expect(scatter.width == 640 && scatter.height == 600)
    }

    @Test("bad --channels and --layer values are refused with one line, before any folder is made")
    func refusals() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        for (arguments, expected) in [
            (["scrub", "--channels", "cheese"], "--channels 'cheese': channel 42 does not exist"),
            (["scrub", "--channels", "1,1"], "--channels '1,1' lists channel 1 twice"),
            (["scrub", "--channels", "40"], "--channels '40': channel 40 does not exist"),
            (["scrub", "--channels", "top20"], "--channels: 20 channels leave 12 others"),
            (["scrub", "--layer", "embedder.fc_out"], "--layer 'embedder.fc_out' has shape [256]"),
            (["scrub", "--layer", "block2"], "--layer 'block2' is not an activation site"),
            (["channels", "--layer", "embedder.fc_out"], "--layer 'embedder.fc_out' has shape [256]"),
            (["channels", "--top", "33"], "--top 33 must be 1...32"),
        ] {
            let error = try #require(throws: (any Error).self) {
                try Self.run(arguments + ["--seeds", "0..<10", "--out", scratch.file("out")])
            }
            let text = "\(error)"
            #expect(text.hasPrefix(expected), "\(text)")
            #expect(!text.contains("\n"))
            #expect(!FileManager.default.fileExists(atPath: scratch.file("out")))
        }
        for arguments in [["scrub", "--channels", "x"], ["scrub", "--channels", "8;9"], ["scrub", "--samples", "0"],
                          ["channels", "--map-seeds", "17"], ["scrub", "--pool", "1..5"],
                          ["scrub", "--seeds", "0..<100000", "--samples", "6"]] {
            let error = try #require(throws: (any Error).self) {
                _ = try Mazerender.parseAsRoot(arguments + (arguments.contains("--seeds") ? [] : ["--seeds", "0..<10"])
                                                + ["--out", scratch.file("out")])
            }
            let message = Mazerender.message(for: error)
            #expect(!message.contains("\n") && !message.isEmpty, "\(message)")
        }
    }
}
