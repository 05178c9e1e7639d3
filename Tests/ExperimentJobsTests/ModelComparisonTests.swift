import Charts
import ExperimentJobs
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JobSupport
import MazeObservation
import OutputFiles
import Statistics
import TestSupport
import Testing

/// `evaluate --models` and `stats --models`: each model's numbers are a single-model run's, and the comparison
/// (JSON, models.csv, plot) holds what those runs measured. Two checkpoints: the bundled agent as
/// `agent_step_2.pth` and the scale-1 reference checkpoint as `agent_step_10.pth` (numbers order them).
@Suite("several models: evaluate --models, stats --models", .serialized)
struct ModelComparisonTests {
    /// A folder with the two checkpoints; `step_2` first.
    static func checkpoints(_ scratch: ScratchFolder) throws -> ModelList {
        let folder = try scratch.folder("checkpoints", copying: [("agent_step_10.pth", SharedFixtures.modelPath),
                                                                 ("agent_step_2.pth", PackagePaths.bundledModel)])
        let list = try ModelList.resolve([folder])
        #expect(list.entries.map(\.name) == ["agent_step_2.pth", "agent_step_10.pth"])
        #expect(list.entries[0].sha256 != list.entries[1].sha256)
        return list
    }

    static func single(_ path: String) throws -> JobContext {
        JobContext(model: try ModelLocator.load(explicit: path), renderer: try SharedFixtures.renderer())
    }

    static func object(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test("evaluate: each model's row is its single-model run; the JSON's shape; the plot recomputed from the JSON")
    func evaluate() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let models = try Self.checkpoints(scratch)
        let job = EvaluationJob(inDistributionSeeds: [1_000_000, 1_000_001, 1_000_002], anywhereSeeds: Array(0...5),
                                decisionSeeds: Array(0...7), maxSteps: 64)
        let results = try job.run(models: models, renderer: try SharedFixtures.renderer())
        let source = EvaluationJob.ReportSource(modelPath: "", scale: 0, seeds: "0..5",
                                                inDistributionSeeds: "1000000..1000002", decisionSeeds: "0..7")
        #expect(results.map(\.model) == models.entries)
        for result in results {
            let alone = try job.run(in: Self.single(result.model.path))
            var own = source
            own.modelPath = result.model.path
            own.scale = 1
            #expect(job.json(result.value, source: own).text == job.json(alone, source: own).text, "\(result.model.name)")
        }

        let path = scratch.file("models.json")
        try JSONFiles.write(job.json(results, source: source), to: path)
        let entries = try #require(try Self.object(path)["models"] as? [[String: Any]])
        #expect(entries.map { $0["model"] as? String } == ["agent_step_2.pth", "agent_step_10.pth"])
        for (entry, model) in zip(entries, models.entries) {
            #expect(entry["sha256"] as? String == model.sha256 && entry["path"] as? String == model.path)
            let options = try #require(entry["options"] as? [String: Any])
            #expect(options["model"] as? String == model.path && options["scale"] as? Int == 1)
            for key in ["in_distribution", "cheese_anywhere", "top_right_first", "decision_square", "intervals"] {
                #expect(entry[key] != nil, "\(key)")
            }
        }

        // The plot: per model, the two success rates at the JSON's counts with their Wilson intervals.
        let chart = EvaluationJob.comparisonChart(results)
        #expect(chart.xTicks?.labels == ["2", "10"] && chart.xLabel == "model: agent_step_….pth (in the order run)")
        #expect(chart.series.count == 2)
        for (s, key) in ["in_distribution", "cheese_anywhere"].enumerated() {
            var expected: [(x: Double, interval: ConfidenceInterval)] = []
            for (index, entry) in entries.enumerated() {
                let counts = try #require(entry[key] as? [String: Any])
                let reached = try #require(counts["reached"] as? Int), total = try #require(counts["total"] as? Int)
                let wilson = ConfidenceInterval.wilson(successes: reached, trials: total)
                // The JSON's own interval entry says the same.
                let listed = try #require((entry["intervals"] as? [[String: Any]])?.first { $0["quantity"] as? String == key + "_reached" })
                let rate = try #require(listed["rate"] as? [String: Any])
                #expect(abs((rate["lower"] as? Double ?? .nan) - wilson.lower) < 1e-12)
                #expect(abs((rate["upper"] as? Double ?? .nan) - wilson.upper) < 1e-12)
                expected.append((ModelComparisonPlot.position(model: index, series: s, of: 2), wilson))
            }
            let series = chart.series[s]
            #expect(series.x == expected.map(\.x))
            #expect(series.y == expected.map(\.interval.estimate))
            #expect(series.yIntervals?.map(\.low) == expected.map(\.interval.lower))
            #expect(series.yIntervals?.map(\.high) == expected.map(\.interval.upper))
        }
        let svg = scratch.file("models.svg")
        try ModelComparisonPlot.write(chart, to: svg)
        #expect(XMLParser(contentsOf: URL(fileURLWithPath: svg))!.parse())

        let table = EvaluationJob.comparisonTable(results).split(separator: "\n")
        #expect(table.count == 4 && table[1].hasPrefix("agent_step_2.pth") && table[2].hasPrefix("agent_step_10.pth"))
    }

    @Test("tick labels drop what all names share, never cutting a number", arguments: [
        (["model_rand_region_1.pth", "model_rand_region_15.pth"], ["1", "15"], "model_rand_region_….pth"),
        (["step_10.pth", "step_20.pth"], ["10", "20"], "step_….pth"),
        (["a_10.pth", "b_2.pth"], ["a_10", "b_2"], "….pth"),
        (["x.pth", "x1.pth"], ["x.pth", "x1.pth"], nil),
        (["only.pth"], ["only.pth"], nil),
    ])
    func tickLabels(names: [String], labels: [String], shared: String?) {
        let ticks = ModelComparisonPlot.tickLabels(names)
        #expect(ticks.labels == labels && ticks.shared == shared)
    }

    @Test("stats: one complete single-model folder per model, models.csv and its plot, run.json listing every file")
    func stats() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let models = try Self.checkpoints(scratch)
        let seeds = Array(Int32(1000)...Int32(1039))
        let out = scratch.file("out")
        let job = StatsJob(seeds: seeds, seedsText: "1000..1039", maxSteps: 64, features: ["euc_dist_cheese_top_right"], out: out)
        let results = try job.run(models: models, renderer: try SharedFixtures.renderer())
        #expect(results.map(\.model.name) == ["agent_step_2.pth", "agent_step_10.pth"])

        // Each sub-folder equals the single-model run of its checkpoint, file for file (run.json's times aside).
        for model in models.entries {
            var alone = job
            alone.out = scratch.file("alone-" + model.name)
            _ = try alone.run(in: Self.single(model.path))
            let files = RunFolder.files(in: alone.out)
            #expect(RunFolder.files(in: out + "/" + model.name) == files)
            for file in files where file != "run.json" {
                #expect(FileManager.default.contents(atPath: "\(out)/\(model.name)/\(file)")
                        == FileManager.default.contents(atPath: "\(alone.out)/\(file)"), "\(model.name)/\(file)")
            }
            let settings = try #require(try Self.object("\(out)/\(model.name)/run.json")["settings"] as? [String: Any])
            #expect((settings["model"] as? [String: Any])?["sha256"] as? String == model.sha256)
        }

        // models.csv: a row per model, its rates recomputed from the model's seeds.csv.
        let text = try String(contentsOfFile: out + "/" + StatsJob.comparisonTableName, encoding: .utf8)
        let comparison = try CSVTable(parsing: text, file: "models.csv")
        #expect(comparison.column("model") == ["agent_step_2.pth", "agent_step_10.pth"])
        #expect(comparison.column("sha256") == models.entries.map(\.sha256))
        #expect(comparison.column("levels") == ["40", "40"])
        for column in ["reached_cheese_low", "p_cheese_median_high", "l1_test_accuracy", "regression_levels"] {
            #expect(comparison.columns.contains(column), "\(column)")
        }
        for (row, result) in zip(comparison.rows, results) {
            let reached = (result.value.column("reached_cheese") ?? []).filter { $0 == "1" }.count
            let wilson = ConfidenceInterval.wilson(successes: reached, trials: seeds.count)
            let cells = ["reached_cheese", "reached_cheese_low", "reached_cheese_high"].map { row[comparison.columns.firstIndex(of: $0)!] }
            #expect(cells.map { Double($0)! } == [wilson.estimate, wilson.lower, wilson.upper])
            // The regression figures are the model's regression.json's (empty when it fitted none).
            let accuracy = row[comparison.columns.firstIndex(of: "l1_test_accuracy")!]
            let regression = "\(out)/\(result.model.name)/regression.json"
            if FileManager.default.fileExists(atPath: regression) {
                let l1 = try #require(try Self.object(regression)["l1"] as? [String: Any])
                let interval = try #require(l1["test_accuracy_interval"] as? [String: Any])
                #expect(abs(Double(accuracy)! - (interval["estimate"] as? Double ?? .nan)) < 1e-12)
            } else {
                #expect(accuracy.isEmpty)
                #expect(result.model.name != "agent_step_2.pth", "the bundled agent's 40 levels should be enough to fit")
            }
        }
        // The plot holds models.csv's numbers.
        let chart = StatsJob.comparisonChart(comparison)
        for (s, column) in ["reached_cheese", "p_cheese_median", "p_cheese_patched_median"].enumerated() {
            let values = try [column, column + "_low", column + "_high"].map { try #require(comparison.column($0)) }
            let present = comparison.rows.indices.filter { !values[0][$0].isEmpty }
            #expect(chart.series[s].y == present.map { Double(values[0][$0])! }, "\(column)")
            #expect(chart.series[s].yIntervals?.map(\.low) == present.map { Double(values[1][$0])! }, "\(column)")
            #expect(chart.series[s].yIntervals?.map(\.high) == present.map { Double(values[2][$0])! }, "\(column)")
        }
        #expect(XMLParser(contentsOf: URL(fileURLWithPath: out + "/models.svg"))!.parse())

        // run.json lists every file of the run; a re-run is refused, --overwrite replaces exactly those files.
        let manifest = try Self.object(out + "/run.json")
        let listed = try #require(manifest["files"] as? [String])
        #expect(listed == RunFolder.files(in: out).filter { $0 != "run.json" })
        #expect(listed.contains("models.csv") && listed.contains("models.png") && listed.contains("agent_step_10.pth/seeds.csv"))
        #expect(((manifest["settings"] as? [String: Any])?["models"] as? [Any])?.count == 2)
        #expect(throws: JobError.self) { try job.run(models: models, renderer: try SharedFixtures.renderer()) }
        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        var again = job
        again.existing = .overwrite
        _ = try again.run(models: ModelList(entries: [models.entries[1]]), renderer: try SharedFixtures.renderer())
        #expect(!FileManager.default.fileExists(atPath: out + "/agent_step_2.pth"))
        #expect(FileManager.default.fileExists(atPath: out + "/notes.txt"))

        // Not resumable, not sharded: refused before any work, naming the setting.
        var resumed = job
        resumed.resume = true
        let error = try #require(throws: JobError.self) { try resumed.validateForModels() }
        #expect(error.setting == .resume && error.description.contains("models"))
    }
}
