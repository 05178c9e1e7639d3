import ExperimentJobs
import Foundation
import JobSupport
import MazeObservation
import OutputFiles
import PolicyExperiments
import TestSupport
import Testing

/// `mazerender stats` against the behavioural-statistics reference: the real procgen levels of seeds 1000..1999
/// played in PyTorch by the checkpoint in `../shared/reference/stats/`, with procgen-tools' metrics.
@Suite("behavioural statistics (stats)", .serialized)
struct StatsJobTests {
    static let statsDirectory = PackagePaths.root.deletingLastPathComponent()
        .appendingPathComponent("shared/reference/stats")
    static let modelPath = statsDirectory.appendingPathComponent("agent-12719b00af08.pth").path
    static let seeds = Array(Int32(1000)...Int32(1047))

    static func run(_ job: StatsJob) throws -> CSVTable {
        let network = try ModelLocator.loadNetwork(explicit: modelPath)
        return try job.run(in: JobContext(network: network, renderer: ObservationRenderer(assets: SharedFixtures.assets.get()),
                                          modelPath: modelPath, modelSHA256: "test"))
    }

    static func reference() throws -> [Int: [String: Any]] {
        let text = try String(contentsOf: statsDirectory.appendingPathComponent("bundled_seeds_1000_1999.jsonl"),
                              encoding: .utf8)
        var rows: [Int: [String: Any]] = [:]
        for line in text.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows[try #require(row["seed"] as? Int)] = row
        }
        return rows
    }

    @Test("every column equals the real game + PyTorch + procgen-tools reference (probabilities within 1e-4)")
    func matchesReference() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let table = try Self.run(StatsJob(seeds: Self.seeds, seedsText: "1000..1047", out: scratch.file("out")))
        #expect(table.columns == BehaviourRow.columns(coefficients: [-1]))
        #expect(table.columns.prefix(14) == ["seed", "maze_dim", "cheese_x", "cheese_y", "decision_square_x",
            "decision_square_y", "cheese_in_top_right_5x5", "reached_cheese", "steps", "entered_top_right_5x5",
            "p_cheese", "p_top_right", "p_cheese_patched", "p_top_right_patched"])
        let reference = try Self.reference()
        var mismatches: [String] = []
        var decisionSquares = 0
        for row in table.rows {
            let expected = try #require(reference[Int(row[0])!])
            for (column, cell) in zip(table.columns, row) {
                let theirs = (expected[column] as? NSNumber)?.doubleValue
                let ours = Double(cell)
                let tolerance = column.hasPrefix("p_") ? 1e-4 : 1e-9
                let same = cell.isEmpty ? theirs == nil : (ours != nil && theirs != nil && abs(ours! - theirs!) <= tolerance)
                if !same { mismatches.append("seed \(row[0]) \(column): \(cell) vs \(theirs.map { "\($0)" } ?? "null")") }
            }
            if !row[4].isEmpty { decisionSquares += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(decisionSquares > 10)
        // The file is the table, and run.json describes the run.
        let written = try CSVTable(parsing: String(contentsOfFile: scratch.file("out/seeds.csv"), encoding: .utf8),
                                   file: "seeds.csv")
        #expect(written == table)
        #expect(try scratch.contents() == ["out"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("out")).sorted() == ["run.json", "seeds.csv"])
    }

    @Test("shards 1/3, 2/3, 3/3 merged equal the single run byte for byte; resume finishes a journal")
    func shardsMergeAndResume() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seeds = Array(Self.seeds.prefix(20)), text = "1000..1019"
        _ = try Self.run(StatsJob(seeds: seeds, seedsText: text, out: scratch.file("whole")))
        for k in 1...3 {
            _ = try Self.run(StatsJob(seeds: seeds, seedsText: text, shard: try Shard(index: k, count: 3),
                                      out: scratch.file("part\(k)")))
        }
        #expect(throws: JobError.self) { try StatsJob.merge([scratch.file("part1"), scratch.file("part3")], to: scratch.file("bad")) }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("bad")))
        _ = try StatsJob.merge([scratch.file("part3"), scratch.file("part1"), scratch.file("part2")], to: scratch.file("merged"))
        let whole = FileManager.default.contents(atPath: scratch.file("whole/seeds.csv"))
        #expect(whole != nil && whole == FileManager.default.contents(atPath: scratch.file("merged/seeds.csv")))

        // An interrupted run: run.json and the first rows in the journal, the last one cut off mid-line.
        let lines = String(decoding: whole!, as: UTF8.self).split(separator: "\n").map(String.init)
        try FileManager.default.createDirectory(atPath: scratch.file("resumed"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: scratch.file("whole/run.json"), toPath: scratch.file("resumed/run.json"))
        let journal = lines.prefix(8).joined(separator: "\n") + "\n" + lines[8].prefix(12)
        try journal.write(toFile: scratch.file("resumed/seeds.partial.csv"), atomically: true, encoding: .utf8)
        #expect(throws: JobError.self) { try Self.run(StatsJob(seeds: seeds, seedsText: text, out: scratch.file("resumed"))) }
        _ = try Self.run(StatsJob(seeds: seeds, seedsText: text, resume: true, out: scratch.file("resumed")))
        #expect(FileManager.default.contents(atPath: scratch.file("resumed/seeds.csv")) == whole)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("resumed")).sorted() == ["run.json", "seeds.csv"])
        // Resuming with other options is refused, naming the field.
        try journal.write(toFile: scratch.file("resumed/seeds.partial.csv"), atomically: true, encoding: .utf8)
        let error = try #require(throws: JobError.self) {
            try Self.run(StatsJob(seeds: seeds, seedsText: text, maxSteps: 100, resume: true, out: scratch.file("resumed")))
        }
        #expect(error.description.contains("max_steps"))
    }
}
