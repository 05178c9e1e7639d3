import DataJobs
import Foundation
import MazeSimulation
import OutputFiles
import TestSupport
import Testing

@Suite("mazerender maze output")
struct MazeListingTests {
    static var reference: URL { get throws { try PackagePaths.reference("procgen-0.10.7/mazes_seeds_0_199.jsonl") } }

    @Test("jsonl carries the reference's fields with the reference's values (seeds 0...199)")
    func jsonMatchesReference() throws {
        let lines = try String(contentsOf: try Self.reference, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        for line in lines {
            let expected = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let seed = Int32(try #require(expected["seed"] as? Int))
            let maze = LevelGenerator().generate(seed: seed)
            let text = MazeListing.json(for: maze, variant: .upstream).text
            let ours = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            for key in ["seed", "maze_dim", "world_dim", "margin", "background_index"] {
                #expect(ours[key] as? Int == expected[key] as? Int, "seed \(seed) \(key)")
            }
            for key in ["mouse_maze", "cheese_maze"] {
                #expect(ours[key] as? [Int] == expected[key] as? [Int], "seed \(seed) \(key)")
            }
            #expect(ours["grid"] as? [String] == expected["grid"] as? [String], "seed \(seed)")
        }
    }

    static var metricsReference: URL { get throws { try PackagePaths.reference("stats/bundled_seeds_1000_1999.jsonl") } }

    @Test("jsonl metrics equal procgen-tools' values on the real game (seeds 1000...1019), null where undefined")
    func metricsMatchReference() throws {
        let lines = try String(contentsOf: try Self.metricsReference, encoding: .utf8).split(separator: "\n").prefix(20)
        #expect(lines.count == 20)
        for line in lines {
            let expected = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let seed = Int32(try #require(expected["seed"] as? Int))
            let text = MazeListing.json(for: LevelGenerator().generate(seed: seed), variant: .upstream).text
            let ours = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let metrics = try #require(ours["metrics"] as? [String: Any], "seed \(seed)")
            #expect(Set(metrics.keys) == Set(MazeMetrics.names), "seed \(seed)")
            // Written in the registry's order.
            let order = MazeMetrics.names.compactMap { text.range(of: "\"\($0)\": ")?.lowerBound }
            #expect(order.count == 16 && order == order.sorted(), "seed \(seed)")
            for name in MazeMetrics.names {
                let reference = try #require(expected[name], "seed \(seed) \(name) missing from the reference")
                if reference is NSNull {
                    #expect(metrics[name] is NSNull, "seed \(seed) \(name): \(metrics[name] ?? "missing") for null")
                } else {
                    let want = try #require((reference as? NSNumber)?.doubleValue)
                    let got = try #require((metrics[name] as? NSNumber)?.doubleValue, "seed \(seed) \(name) is null")
                    #expect(abs(got - want) <= 1e-9, "seed \(seed) \(name): \(got) vs \(want)")
                }
            }
        }
    }

    @Test("null cheese when procgenAISC places none; text drawing has one row per maze row")
    func noCheeseAndText() throws {
        let maze = LevelGenerator(variant: .aisc(randRegion: 1)).generate(seed: 942)
        let object = try #require(JSONSerialization.jsonObject(with: Data(MazeListing.json(for: maze, variant: .aisc(randRegion: 1)).text.utf8)) as? [String: Any])
        #expect(object["cheese_maze"] is NSNull)
        let drawing = MazeListing.text(for: LevelGenerator().generate(seed: 0), variant: .upstream)
        let rows = drawing.split(separator: "\n")
        #expect(rows.count == 1 + 13 + 2)
        #expect(rows[14].hasPrefix("██M "))  // the mouse starts at the bottom-left of the maze
    }

    @Test("JSON strings are escaped")
    func escaping() {
        let value: JSONValue = .object([("a\"b", .string("line\nnext\u{1}")), ("n", .null), ("x", .double(0.5))])
        #expect(value.text == #"{"a\"b": "line\nnext\u0001", "n": null, "x": 0.5}"#)
    }
}
