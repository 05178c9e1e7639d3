import ExperimentJobs
import Foundation
import MazeSimulation
import MazerenderCLI
import OutputFiles
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 23, point 4: numbers out are exact and self-describing. `scrub` and `channels` run in-process on the
/// bundled agent; their summaries are recomputed from their CSVs to the last printed digit, `scrub.csv`'s cheese
/// cells are compared with what `maze --format jsonl` reports, and every JSON the commands write has snake_case keys.
@Suite("exact, self-describing numbers: scrub, channels, maze, JSON keys", .serialized)
struct ExactNumbersTests {
    static let scrubArguments = ["scrub", "--seeds", "0..<30", "--samples", "2", "--channels", "24,13",
                                 "--pool", "1000000..<1003000", "--random-seed", "5"]

    /// Runs `mazerender ARGUMENTS` in-process and returns what it printed to standard output.
    static func printed(_ arguments: [String], bundledAgent: Bool = true) throws -> String {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("stdout.txt")
        fflush(nil)
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(file >= 0)
        let saved = dup(1)
        dup2(file, 1)
        close(file)
        defer {
            fflush(nil)
            dup2(saved, 1)
            close(saved)
        }
        if bundledAgent {
            try ChannelCommandTests.run(arguments)
        } else {
            try Mazerender.run(arguments: arguments)
        }
        fflush(nil)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func table(_ path: String) throws -> CSVTable { try ChannelCommandTests.table(path) }

    /// Column `name` of `row` in `table`. Fails the test (rather than crashing) on a missing column.
    static func cell(_ table: CSVTable, _ row: [String], _ name: String) throws -> String {
        let index = try #require(table.columns.firstIndex(of: name), "no column \(name)")
        return row[index]
    }

    @Test("scrub: summary.csv, summary.md and the printed table recompute exactly from scrub.csv")
    func scrubSummaryFromCSV() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = scratch.file("scrub")
        let stdout = try Self.printed(Self.scrubArguments + ["--out", out])
        let trials = try Self.table(out + "/scrub.csv")
        try #require(!trials.rows.isEmpty)

        // Every real in scrub.csv is the shortest text of its value: printing the parsed value gives the text back.
        for name in trials.columns where name == "change" || name.contains("_p_") {
            for text in try #require(trials.column(name)) {
                let value = try #require(Double(text), "\(name): \(text)")
                if name == "change" {
                    #expect(NumberText.shortest(value) == text, "\(name): \(text)")
                } else {
                    #expect(NumberText.shortest(try #require(Float(text))) == text, "\(name): \(text)")
                }
            }
        }

        // Recompute per (location, channel set): trials, greedy-action changes, mean and median change.
        struct Condition { var changes: [Double] = []; var changed = 0 }
        var conditions: [String: Condition] = [:]
        var changeBy: [String: [String: Double]] = [:]  // channel set -> "location/seed/sample" -> change
        for row in trials.rows {
            let location = try Self.cell(trials, row, "location"), set = try Self.cell(trials, row, "channel_set")
            let change = try #require(Double(try Self.cell(trials, row, "change")))
            conditions[location + "/" + set, default: Condition()].changes.append(change)
            if try Self.cell(trials, row, "action_changed") == "1" { conditions[location + "/" + set]!.changed += 1 }
            let key = "\(location)/\(try Self.cell(trials, row, "seed"))/\(try Self.cell(trials, row, "sample"))"
            changeBy[set, default: [:]][key] = change
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted(), middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }

        // summary.csv: bit for bit.
        let summary = try Self.table(out + "/summary.csv")
        #expect(summary.rows.count == 4)
        for row in summary.rows {
            let key = try Self.cell(summary, row, "location") + "/" + (try Self.cell(summary, row, "channel_set"))
            let condition = try #require(conditions[key], "\(key)")
            #expect(Int(try Self.cell(summary, row, "trials")) == condition.changes.count)
            #expect(Int(try Self.cell(summary, row, "action_changed")) == condition.changed)
            #expect(Double(try Self.cell(summary, row, "change_rate")) == Double(condition.changed) / Double(condition.changes.count))
            #expect(Double(try Self.cell(summary, row, "mean_change")) == mean(condition.changes), "\(key)")
            #expect(Double(try Self.cell(summary, row, "median_change")) == median(condition.changes), "\(key)")
        }

        // summary.md and the printed table: every number to its last printed digit. (Standard output is the
        // whole process's: suites running beside this one print there too, so the printed table is found as the
        // block summary.md holds, which the command prints with one call.)
        let markdown = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        let table = try #require(markdown.range(of: "| location |").map { markdown[$0.lowerBound...] }
            .flatMap { rest in rest.range(of: "random control.").map { String(rest[..<$0.upperBound]) } })
        #expect(stdout.contains(table))
        for text in [markdown] {
            let lines = text.split(separator: "\n").map(String.init)
            let header = try #require(lines.first { $0.hasPrefix("| location |") })
            let names = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let column = { (name: String) throws -> Int in try #require(names.firstIndex(of: name), "\(name)") }
            var seen = 0
            for line in lines where line.hasPrefix("| same |") || line.hasPrefix("| different |") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                let set = cells[try column("channels")] == "random (control)" ? "random" : "chosen"
                let condition = try #require(conditions[cells[try column("location")] + "/" + set])
                let rate = 100 * Double(condition.changed) / Double(condition.changes.count)
                #expect(cells[try column("trials (n)")] == String(condition.changes.count))
                #expect(cells[try column("greedy action changed [95 %]")].hasPrefix("\(condition.changed) (\(String(format: "%.1f", rate)) % ["),
                        "\(line)")
                #expect(cells[try column("mean change [95 %]")].hasPrefix(String(format: "%.4f", mean(condition.changes)) + " ["), "\(line)")
                #expect(cells[try column("median change [95 %]")].hasPrefix(String(format: "%.4f", median(condition.changes)) + " ["), "\(line)")
                seen += 1
            }
            #expect(seen == 4)
            // Points above y = x: the different-location change larger than the same-location one, per (seed, sample).
            let shares = ["chosen", "random"].map { set -> Double in
                let changes = changeBy[set] ?? [:]
                let pairs = changes.keys.filter { $0.hasPrefix("same/") }.compactMap { key -> (Double, Double)? in
                    let rest = key.dropFirst("same/".count)
                    return changes["different/" + rest].map { (changes[key]!, $0) }
                }
                return 100 * Double(pairs.filter { $0.1 > $0.0 }.count) / Double(pairs.count)
            }
            let line = try #require(lines.first { $0.hasPrefix("Change larger with different-location") })
            #expect(line.contains(": \(String(format: "%.1f", shares[0])) % ["), "\(line)")
            #expect(line.contains(", \(String(format: "%.1f", shares[1])) % ["), "\(line)")
            #expect(line.hasSuffix("for the random control."), "\(line)")
        }
        try Self.expectSnakeCaseKeys(inFolder: out)
    }

    @Test("scrub.csv's cheese_x, cheese_y are the maze cells `maze --format jsonl` reports; world cells beside them")
    func scrubCheeseCellsAreMazeCells() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = scratch.file("scrub")
        _ = try Self.printed(Self.scrubArguments + ["--out", out])
        let trials = try Self.table(out + "/scrub.csv")
        let listing = try Self.printed(["maze", "--seeds", "0..<30", "--format", "jsonl"], bundledAgent: false)
        var cheese: [Int: [Int]] = [:], margins: [Int: Int] = [:]
        for line in listing.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["grid"] != nil, let seed = object["seed"] as? Int else { continue }
            cheese[seed] = object["cheese_maze"] as? [Int]
            margins[seed] = object["margin"] as? Int
        }
        #expect(Set(0..<30).isSubset(of: Set(margins.keys)))
        var same = 0
        for row in trials.rows {
            let seed = try #require(Int(try Self.cell(trials, row, "seed")))
            let x = try #require(Int(try Self.cell(trials, row, "cheese_x"))), y = try #require(Int(try Self.cell(trials, row, "cheese_y")))
            let worldX = try #require(Int(try Self.cell(trials, row, "cheese_world_x")))
            let worldY = try #require(Int(try Self.cell(trials, row, "cheese_world_y")))
            let margin = try #require(margins[seed])
            // One cell in two frames: world = maze + the target level's margin.
            #expect(worldX == x + margin && worldY == y + margin)
            if try Self.cell(trials, row, "location") == "same" {
                #expect([x, y] == cheese[seed], "seed \(seed)")
                same += 1
            } else {
                #expect([x, y] != cheese[seed], "seed \(seed)")
            }
            // source_mice: maze cells of each source level, open and off the cheese (moved onto the world cell).
            let sources = try Self.cell(trials, row, "source_seeds").split(separator: "+")
            let mice = try Self.cell(trials, row, "source_mice").split(separator: "+")
            #expect(sources.count == mice.count)
            for (source, mouse) in zip(sources, mice) {
                let maze = LevelGenerator().generate(seed: try #require(Int32(source)))
                let xy = mouse.split(separator: ":").compactMap { Int($0) }
                try #require(xy.count == 2)
                let point = MazePoint(x: xy[0], y: xy[1])
                #expect(maze.containsMaze(point) && !maze.isWall(point), "source \(source): \(mouse)")
                #expect(maze.world(point) != WorldPoint(x: worldX, y: worldY))
                #expect(!maze.isWall(WorldPoint(x: worldX, y: worldY)))
            }
        }
        #expect(same == trials.rows.count / 2)
        // The report's example: seed 0's cheese is maze cell (0, 5), world cell (6, 11).
        if let row = trials.rows.first(where: { $0[0] == "0" && $0[2] == "same" }) {
            #expect(try Self.cell(trials, row, "cheese_x") == "0" && (try Self.cell(trials, row, "cheese_y")) == "5")
            #expect(try Self.cell(trials, row, "cheese_world_x") == "6" && (try Self.cell(trials, row, "cheese_world_y")) == "11")
        }
    }

    @Test("channels: channels.csv holds each score in shortest round-trip text; the printed table recomputes from it")
    func channelsFromCSV() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = scratch.file("ch")
        let stdout = try Self.printed(["channels", "--seeds", "0..<60", "--top", "3", "--map-seeds", "0", "--random-seed", "4",
                                       "--out", out])
        let table = try Self.table(out + "/channels.csv")
        #expect(table.rows.count == 32)
        for name in ["f_score", "probe_accuracy", "mean_difference", "correlation"] {
            for text in try #require(table.column(name)) {
                let value = try #require(Double(text), "\(name): \(text)")
                #expect(NumberText.shortest(value) == text, "\(name): \(text)")
            }
        }
        // The printed top-3 table, line for line, from the CSV.
        var expected = ["rank  channel   f_score  probe_acc  mean_diff  correlation"]
        for row in table.rows.prefix(3) {
            let number = { (name: String) throws -> Double in try #require(Double(try Self.cell(table, row, name))) }
            expected.append(String(format: "%4d  %7d  %8.1f  %9.3f  %9.3f  %11.3f",
                                   try #require(Int(try Self.cell(table, row, "rank"))),
                                   try #require(Int(try Self.cell(table, row, "channel"))),
                                   try number("f_score"), try number("probe_accuracy"),
                                   try number("mean_difference"), try number("correlation")))
        }
        // In order (other suites may print between the lines: standard output is the whole process's).
        var printed = stdout.split(separator: "\n").map(String.init)[...]
        for line in expected {
            let index = printed.firstIndex(of: line)
            #expect(index != nil, "not printed: \(line)")
            if let index { printed = printed[(index + 1)...] }
        }
        try Self.expectSnakeCaseKeys(inFolder: out)
    }

    @Test("every JSON key the commands write is snake_case (run.json, vfield, value-map, attribute, maze, logits)")
    func jsonKeys() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        _ = try Self.printed(["vfield", "--seed", "0", "--out", scratch.file("vf.json")])
        _ = try Self.printed(["vfield-diff", "--seed", "0", "--patch", "cheese:coeff=-1", "--out", scratch.file("diff.json")])
        _ = try Self.printed(["value-map", "--seed", "0", "--patch", "cheese:coeff=-1", "--out", scratch.file("value.json")])
        _ = try Self.printed(["attribute", "--seed", "0", "--target", "up", "--method", "integrated-gradients", "--steps", "4",
                              "--layer", "embedder.block2.res1.resadd_out", "--out", scratch.file("attribution.json")])
        try Self.expectSnakeCaseKeys(inFolder: scratch.path)
        let lines = try Self.printed(["maze", "--seeds", "0..2", "--format", "jsonl"], bundledAgent: false)
            + (try Self.printed(["logits", "--seeds", "0..2", "--patch", "cheese:coeff=-1"]))
        for line in lines.split(separator: "\n") where line.hasPrefix("{") {
            try Self.expectSnakeCaseKeys(try JSONSerialization.jsonObject(with: Data(line.utf8)), file: "stdout")
        }
        // The walker itself catches a camelCase key.
        #expect(Self.keys(in: ["a": ["b_c": 1, "stepLimit": [["ok": 1]]]]).contains("stepLimit"))
        #expect(!Self.isSnakeCase("stepLimit") && !Self.isSnakeCase("a__b") && !Self.isSnakeCase("_a") && Self.isSnakeCase("p_top_right_5x5"))
    }

    /// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`: lower-case words joined by single underscores.
    static func isSnakeCase(_ key: String) -> Bool {
        let words = key.split(separator: "_", omittingEmptySubsequences: false)
        return key.first.map { $0 >= "a" && $0 <= "z" } == true
            && words.allSatisfy { !$0.isEmpty && $0.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") } }
    }

    /// Every key of every object, at any depth.
    static func keys(in value: Any) -> [String] {
        if let object = value as? [String: Any] { return object.keys + object.values.flatMap(keys(in:)) }
        if let array = value as? [Any] { return array.flatMap(keys(in:)) }
        return []
    }

    static func expectSnakeCaseKeys(_ value: Any, file: String) throws {
        let keys = Self.keys(in: value)
        for key in keys { #expect(isSnakeCase(key), "\(file): key \(key)") }
    }

    /// Walks `folder` (recursively) and checks every `.json` / `.jsonl` file's keys; at least one file must be there.
    static func expectSnakeCaseKeys(inFolder folder: String) throws {
        let names = try #require(FileManager.default.subpathsOfDirectory(atPath: folder) as [String]?)
        let files = names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonl") }
        #expect(!files.isEmpty, "no JSON in \(folder)")
        for name in files {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            let documents = name.hasSuffix(".jsonl") ? text.split(separator: "\n").map(String.init) : [text]
            for document in documents {
                try expectSnakeCaseKeys(try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed]),
                                        file: name)
            }
        }
    }
}
