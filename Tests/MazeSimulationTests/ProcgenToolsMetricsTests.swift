import Foundation
import MazeSimulation
import Testing

/// procgen-tools' 16 maze metrics, computed by its own `metrics.py` on the real procgen levels of seeds
/// 1000..1999 (`../shared/reference/stats/`), against `MazeMetrics` on our levels of the same seeds.
@Suite("procgen-tools' metrics on real levels")
struct ProcgenToolsMetricsTests {
    static func loadRows() throws -> [[String: Any]] {
        let url = ReferenceData.directory.deletingLastPathComponent()
            .appendingPathComponent("stats/bundled_seeds_1000_1999.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// The reference's number, nil for JSON null.
    static func number(_ row: [String: Any], _ key: String) -> Double? {
        (row[key] as? NSNumber)?.doubleValue
    }

    @Test("maze size, cheese, decision square and all 16 metrics agree on seeds 1000..1999")
    func everyMetricOnEverySeed() throws {
        let rows = try Self.loadRows()
        #expect(rows.count == 1000)
        var mismatches: [String] = []
        let generator = LevelGenerator()
        for row in rows {
            let seed = try #require(row["seed"] as? Int)
            let maze = generator.generate(seed: Int32(seed))
            func check(_ key: String, _ ours: Double?) {
                let theirs = Self.number(row, key)
                let same: Bool
                switch (ours, theirs) {
                case (nil, nil): same = true
                case let (a?, b?): same = abs(a - b) <= 1e-9 * max(1, abs(b))
                default: same = false
                }
                if !same {
                    let oursText = ours.map { "\($0)" } ?? "null", theirsText = theirs.map { "\($0)" } ?? "null"
                    mismatches.append("seed \(seed) \(key): ours \(oursText), procgen-tools \(theirsText)")
                }
            }
            check("maze_dim", Double(maze.mazeDimension))
            check("cheese_x", maze.cheeseMaze.map { Double($0.x) })
            check("cheese_y", maze.cheeseMaze.map { Double($0.y) })
            check("decision_square_x", maze.decisionSquare.map { Double($0.x) })
            check("decision_square_y", maze.decisionSquare.map { Double($0.y) })
            let edge = maze.mazeDimension - min(5, maze.mazeDimension)
            let inRegion: Double? = maze.cheeseMaze.map { cheese -> Double in cheese.x >= edge && cheese.y >= edge ? 1 : 0 }
            check("cheese_in_top_right_5x5", inRegion)
            let metrics = MazeMetrics(maze).values
            for name in MazeMetrics.names { check(name, metrics[name] ?? nil) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(10))")
    }

    @Test("the names are procgen-tools' registry, in its order")
    func names() throws {
        let row = try #require(try Self.loadRows().first)
        #expect(MazeMetrics.names.count == 16)
        #expect(MazeMetrics.names.allSatisfy { row.keys.contains($0) })
    }
}
