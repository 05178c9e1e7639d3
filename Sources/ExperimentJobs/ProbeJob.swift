import Charts
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments
import Statistics

/// `mazerender probe`: collect probe samples, run the sparse linear probes, write into a folder:
/// - `samples.csv`: one row per sample (seed, maze size, decision square, step, cheese cell, got cheese);
/// - `probes.csv`: one row per layer, target, split and K (`ProbeResult`);
/// - `summary.csv`: per layer, target and K, test scores over the splits (mean, sd, min, max), mean train score
///   and mean baseline;
/// - `plots/<layer>.png|svg`: test score against K (log axis), a line per target through the split means, a
///   dot per split; `plots/target-<target>.png|svg`: test score across layers, a line per K.
public struct ProbeJob: Job {
    public var seeds: [Int32]
    public var sampleCount: Int?
    public var sampling: ProbeSampling
    public var experiment: LinearProbeExperiment

    /// The output folder, and what to do when it holds an earlier run.
    public var out: String
    public var existing: ExistingOutput

    public init(seeds: [Int32], sampleCount: Int?, sampling: ProbeSampling, experiment: LinearProbeExperiment, out: String,
                existing: ExistingOutput = .refuse) {
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.sampleCount = sampleCount
        self.sampling = sampling
        self.experiment = experiment
    }

    /// What a run produced, for the caller's report.
    public struct Result: Sendable {
        public var sampling: ProbeSampling.Summary
        public var results: [ProbeResult]
        public var samplingSeconds: Double
        public var probingSeconds: Double
    }

    public static let probesColumns = [
        "layer", "target", "metric", "k", "split", "split_seed", "layer_features", "train_rows", "test_rows",
        "train_score", "test_score", "baseline", "top_feature", "top_f_score", "iterations", "converged",
    ]
    public static let summaryColumns = [
        "layer", "target", "metric", "k", "splits", "mean_test", "sd_test", "min_test", "max_test", "mean_train", "mean_baseline",
    ]
    public static let samplesColumns = [
        "seed", "maze_dim", "decision_square_x", "decision_square_y", "step", "cheese_world_x", "cheese_world_y", "got_cheese",
    ]

    /// Runs everything and writes `directory`. - Throws: `JobError` (one line) for bad input or a failed write.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        try run(network: context.network, renderer: context.renderer, provenance: context.provenance, to: out,
                progress: progress.map { handler in { note in handler(JobProgress(note: note)) } })
    }

    /// The settings `run.json` records.
    public var settings: JSONValue {
        let selection: JSONValue
        switch sampling.selection {
        case .argmax: selection = "argmax"
        case .sample(let seed): selection = .string("sample(seed=\(seed))")
        }
        return .object([
            ("seeds", RunSettings.seeds(seeds)), ("samples", sampleCount.map { .int($0) } ?? .null),
            ("level_generator", .string(sampling.generator.variant.description)), ("max_steps", .int(sampling.maxSteps)),
            ("action_selection", selection), ("layers", .array(experiment.layers.map { .string($0) })),
            ("targets", .array(experiment.targets.map { .string($0.name) })),
            ("ks", experiment.ks.map { .array($0.map { .int($0) }) } ?? .null),
            ("c", experiment.c.map { .double($0) } ?? .null), ("alpha", experiment.alpha.map { .double($0) } ?? .null),
            ("splits", .int(experiment.splitCount)), ("split_seed", .string(String(experiment.splitSeed))),
            ("channels", experiment.channels.map { .string($0) } ?? .null),
        ])
    }

    private func run(network: ImpalaNetwork, renderer: ObservationRenderer, provenance: Provenance, to directory: String,
                     progress: ((String) -> Void)?) throws -> Result {
        let evaluator = PolicyEvaluator(network: network, renderer: renderer, batchSize: experiment.batchSize)
        // Refuse bad layers and channels before the (long) sampling.
        for layer in experiment.layers {
            do {
                _ = try experiment.featureIndices(layer: try ActivationLabels.canonical(layer), evaluator: evaluator)
            } catch let error as ProbeError {
                throw JobError(error.description)
            } catch let error as ChannelChoiceError {
                throw JobError(error.description)
            } catch {
                throw JobError(ProbeError.badLayer(layer).description)
            }
        }
        let folder = try RunFolder(directory, job: "probe", settings: settings,
                                   provenance: provenance.describing(seeds: RunSettings.seedsText(seeds)), existing: existing)
        defer { folder.abandonIfUnfinished() }

        let sampleStart = Date()
        let summary = try sampling.collect(seeds: seeds, count: sampleCount, evaluator: evaluator) { found, examined in
            progress?("probe: \(found) samples from \(examined) seeds")
        }
        let samplingSeconds = Date().timeIntervalSince(sampleStart)
        if let wanted = sampleCount, summary.samples.count < wanted {
            throw JobError(.samples, "\(wanted): the \(seeds.count) seeds gave only \(summary.samples.count) samples "
                + "(levels with a decision square that the mouse visits); give more \(setting: .seeds)")
        }
        var experiment = self.experiment
        experiment.targets = experiment.targets.map { target in
            // A cheese-at target without a cell (x = -1) probes the samples' most common cheese cell.
            if case .cheeseAt(let cell) = target, cell.x < 0, let modal = ProbeTarget.modalCheeseCell(summary.samples) {
                return .cheeseAt(modal)
            }
            return target
        }
        let probeStart = Date()
        let results: [ProbeResult]
        do {
            results = try experiment.run(samples: summary.samples, evaluator: evaluator, progress: progress)
        } catch let error as ProbeError {
            throw JobError(error.description)
        } catch let error as StatisticsError {
            throw JobError(.targets, ": a probe could not be fitted (\(error)); a rare class needs more \(setting: .samples) or another cell")
        }
        let probingSeconds = Date().timeIntervalSince(probeStart)

        do {
            try Self.samplesTable(summary.samples).write(to: directory + "/samples.csv")
            try Self.probesTable(results).write(to: directory + "/probes.csv")
            try Self.summaryTable(results).write(to: directory + "/summary.csv")
        } catch { throw JobError("\(error)") }
        try Self.plots(results, to: directory + "/plots")
        try folder.finish()
        return Result(sampling: summary, results: results, samplingSeconds: samplingSeconds, probingSeconds: probingSeconds)
    }

    static func number(_ value: Double) -> String { BehaviourRow.text(value) }

    public static func samplesTable(_ samples: [ProbeSample]) -> CSVTable {
        CSVTable(columns: samplesColumns, rows: samples.map { sample in
            [String(sample.seed), String(sample.state.mazeDimension), String(sample.decisionSquare.x),
             String(sample.decisionSquare.y), String(sample.step), sample.state.cheese.map { String($0.x) } ?? "",
             sample.state.cheese.map { String($0.y) } ?? "", sample.reachedCheese ? "1" : "0"]
        })
    }

    public static func probesTable(_ results: [ProbeResult]) -> CSVTable {
        CSVTable(columns: probesColumns, rows: results.map { r in
            [r.layer, r.target, r.metric, String(r.k), String(r.split), String(r.splitSeed), String(r.layerFeatures),
             String(r.trainRows), String(r.testRows), number(r.trainScore), number(r.testScore), number(r.baselineScore),
             String(r.topFeature), number(r.topFScore), String(r.iterations), r.converged ? "1" : "0"]
        })
    }

    /// Test scores per (layer, target, K) over the splits.
    public struct Summary: Sendable {
        public var layer: String, target: String, metric: String, k: Int
        public var tests: [Double], trains: [Double], baselines: [Double]
        public var meanTest: Double { tests.reduce(0, +) / Double(tests.count) }
        /// Sample standard deviation (0 for one split).
        public var sdTest: Double {
            guard tests.count > 1 else { return 0 }
            let mean = meanTest
            return (tests.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(tests.count - 1)).squareRoot()
        }
    }

    public static func summaries(_ results: [ProbeResult]) -> [Summary] {
        var order: [String] = []
        var groups: [String: Summary] = [:]
        for r in results {
            let key = "\(r.layer)\u{0}\(r.target)\u{0}\(r.k)"
            if groups[key] == nil {
                order.append(key)
                groups[key] = Summary(layer: r.layer, target: r.target, metric: r.metric, k: r.k, tests: [], trains: [], baselines: [])
            }
            groups[key]!.tests.append(r.testScore)
            groups[key]!.trains.append(r.trainScore)
            groups[key]!.baselines.append(r.baselineScore)
        }
        return order.map { groups[$0]! }
    }

    public static func summaryTable(_ results: [ProbeResult]) -> CSVTable {
        CSVTable(columns: summaryColumns, rows: summaries(results).map { s in
            [s.layer, s.target, s.metric, String(s.k), String(s.tests.count), number(s.meanTest), number(s.sdTest),
             number(s.tests.min()!), number(s.tests.max()!), number(s.trains.reduce(0, +) / Double(s.trains.count)),
             number(s.baselines.reduce(0, +) / Double(s.baselines.count))]
        })
    }
}
