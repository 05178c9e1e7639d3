import ExperimentJobs
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import MazerenderCLI
import OutputFiles
import TestSupport
import Testing
import VideoJobs

/// Numbers as data: `evaluate --json` and `rollout --trace` on the scale-1 reference checkpoint.
@Suite("numbers out: evaluate --json, rollout --trace", .serialized)
struct NumbersOutTests {
    static func object(_ text: some StringProtocol) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("evaluate --json parses and holds the Report's numbers and the options")
    func evaluateJSON() throws {
        let texts = (seeds: "0..9", inDistribution: "1000000..1000004", decision: "0..9")
        let job = EvaluationJob(inDistributionSeeds: try SeedList(texts.inDistribution).seeds,
                                anywhereSeeds: try SeedList(texts.seeds).seeds,
                                decisionSeeds: try SeedList(texts.decision).seeds, maxSteps: 64)
        let network = try SharedFixtures.network.get()
        let report = try job.run(in: SharedFixtures.context())
        let source = EvaluationJob.ReportSource(modelPath: SharedFixtures.modelPath, scale: network.scale,
                                                seeds: texts.seeds, inDistributionSeeds: texts.inDistribution,
                                                decisionSeeds: texts.decision)
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("report.json")
        try JSONFiles.write(job.json(report, source: source), to: path)
        #expect(try scratch.contents() == ["report.json"])
        let json = try Self.object(try String(contentsOfFile: path, encoding: .utf8))

        let options = try #require(json["options"] as? [String: Any])
        #expect(options["model"] as? String == SharedFixtures.modelPath)
        #expect(options["scale"] as? Int == network.scale)
        #expect(options["seeds"] as? String == "0..9")
        #expect(options["in_distribution_seeds"] as? String == "1000000..1000004")
        #expect(options["decision_seeds"] as? String == "0..9")
        #expect(options["max_steps"] as? Int == 64 && options["rand_region"] as? Int == 5)
        #expect(options["selection"] as? String == "argmax" && options["sample_seed"] is NSNull)

        func counts(_ key: String, _ a: String, _ b: String) throws -> (Int, Int, Double?) {
            let group = try #require(json[key] as? [String: Any], "\(key)")
            return (try #require(group[a] as? Int), try #require(group[b] as? Int), group["fraction"] as? Double)
        }
        let inDistribution = try counts("in_distribution", "reached", "total")
        #expect(inDistribution.0 == report.inDistribution.reached && inDistribution.1 == report.inDistribution.total)
        #expect(report.inDistribution.total == 5)
        #expect(inDistribution.2 == Double(report.inDistribution.reached) / 5)
        // By maze-size band: the three bands partition the in-distribution levels.
        let bands = try #require((json["in_distribution"] as? [String: Any])?["by_size"] as? [[String: Any]])
        #expect(bands.compactMap { $0["sizes"] as? String } == ["3-13", "15-17", "19-25"])
        #expect(bands.compactMap { $0["total"] as? Int }.reduce(0, +) == 5)
        #expect(bands.compactMap { $0["reached"] as? Int }.reduce(0, +) == report.inDistribution.reached)
        for (band, entry) in zip(report.inDistributionBySize, bands) {
            #expect(entry["reached"] as? Int == band.reached && entry["total"] as? Int == band.total)
            let sizes = Self.inDistributionSizes(try SeedList(texts.inDistribution).seeds)
            #expect(band.total == sizes.filter { band.band.contains($0) }.count)
        }
        let anywhere = try counts("cheese_anywhere", "reached", "total")
        #expect(anywhere.0 == report.anywhere.reached && anywhere.1 == 10)
        #expect(anywhere.2 == Double(report.anywhere.reached) / 10)
        let first = try counts("top_right_first", "count", "eligible")
        #expect(first.0 == report.topRightFirst.count && first.1 == report.topRightFirst.eligible)

        let decision = try #require(json["decision_square"] as? [String: Any])
        #expect(report.decision.seeds > 0)
        #expect(decision["seeds"] as? Int == report.decision.seeds)
        #expect(decision["rose"] as? Int == report.decision.rose)
        // Shortest round-trip text: the medians come back bit for bit (read with Double(_:); Foundation's JSON
        // parser on Linux can be off in the last bit).
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (key, value) in [("median_p_cheese", report.decision.medianOriginal),
                             ("median_p_cheese_patched", report.decision.medianPatched)] {
            #expect(abs((decision[key] as? Double ?? .nan) - value) < 1e-15, "\(key)")
            let start = try #require(text.range(of: "\"\(key)\": ")).upperBound
            let token = text[start...].prefix { !",}".contains($0) }
            #expect(Double(token) == value, "\(key): \(token) vs \(value)")
        }
    }

    /// The maze size of each in-distribution level, from the generator itself.
    static func inDistributionSizes(_ seeds: [Int32]) -> [Int] {
        let generator = LevelGenerator(variant: .aisc(randRegion: 5))
        return seeds.map { generator.generate(seed: $0).mazeDimension }
    }

    @Test("evaluate --json and rollout --trace paths are checked while parsing (exit 64)")
    func pathsCheckedFirst() throws {
        for arguments in [["evaluate", "--json", "/nonexistent-dir/report.json"],
                          ["rollout", "--out", "/tmp/v.mp4", "--trace", "/nonexistent-dir/t.jsonl"],
                          ["rollout", "--out", "/tmp/v.mp4", "--trace", "/tmp/v.mp4"]] {
            do {
                _ = try Mazerender.parseAsRoot(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(Mazerender.exitCode(for: error).rawValue == 64, "\(arguments)")
                #expect(Mazerender.message(for: error).contains(arguments[arguments.count - 1]), "\(arguments)")
            }
        }
        let parsed = try Mazerender.parseAsRoot(["rollout", "--out", "/tmp/v.mp4", "--trace", "/tmp/t.jsonl"])
        #expect(parsed is RolloutCommand)
    }

    @Test("rollout --trace: one line per step of every episode, argmax actions, procgen moves from (0, 0)")
    func rolloutTrace() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let video = scratch.file("rollout.mp4"), tracePath = scratch.file("trace.jsonl")
        let job = RolloutJob(seeds: [0, 1], variants: try ["original", "cheese:coeff=-1"].map { try RolloutVariantSpec(parsing: $0) },
                             maxSteps: 40, endsLoops: false, fps: 10, panelSide: 128, out: video, trace: tracePath)
        let summary = try job.run(in: SharedFixtures.context())
        #expect(try scratch.contents() == ["rollout.mp4", "trace.jsonl"])
        let lines = try String(contentsOfFile: tracePath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        let rows = try lines.dropLast().map { try Self.object($0) }
        #expect(rows.count == summary.episodes.map(\.steps).reduce(0, +) && rows.count > 2 * summary.episodes.count)
        #expect(summary.traceLines == rows.count && summary.tracePath == tracePath)

        // Seed order, then variant order, then step; each episode's lines are exactly its steps.
        var offset = 0
        for episode in summary.episodes {
            let mine = rows[offset..<offset + episode.steps]
            offset += episode.steps
            var previous: [Int]?
            for (step, row) in mine.enumerated() {
                let label = "seed \(episode.seed) \(episode.variant) step \(step)"
                #expect(row["seed"] as? Int == Int(episode.seed), "\(label)")
                #expect(row["variant"] as? String == episode.variant, "\(label)")
                #expect(row["step"] as? Int == step, "\(label)")
                let position = try #require(row["position"] as? [Int], "\(label)")
                #expect(position.count == 2)
                if let previous {
                    #expect(abs(position[0] - previous[0]) + abs(position[1] - previous[1]) <= 1, "\(label): \(previous) -> \(position)")
                } else {
                    #expect(position == [0, 0], "\(label)")
                }
                previous = position
                #expect(["left", "right"].contains(row["facing"] as? String ?? ""), "\(label)")
                let action = try #require(row["action"] as? Int, "\(label)")
                let probs = try #require(row["probs"] as? [String: Double], "\(label)")
                #expect(Set(probs.keys) == Set(ActionGroup.allCases.map(\.rawValue)), "\(label)")
                #expect(abs(probs.values.reduce(0, +) - 1) < 1e-5, "\(label)")
                // Argmax selection: the action lies in the most probable of the 5 groups.
                let group = try #require(ActionGroup.allCases.first { $0.actionIndices.contains(action) }, "\(label)")
                #expect(probs[group.rawValue]! >= probs.values.max()!, "\(label): action \(action), probs \(probs)")
                let reward = try #require(row["reward"] as? Double, "\(label)")
                let last = step == episode.steps - 1
                #expect(reward == (last && episode.ending == .cheese ? 10 : 0), "\(label)")
            }
        }
        #expect(offset == rows.count)
    }
}
