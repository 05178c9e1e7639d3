import ActivationPatching
import ArgumentParser
import ExperimentJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeSimulation
import PolicyAnalysis
import PolicyExperiments

/// `mazerender probe`: sparse linear probes on the policy's activations (procgen-tools' `probing_main`).
public struct ProbeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Sparse linear probes (F-test top-K features, L2 logistic regression or ridge) on the policy's activations.",
        discussion: """
            Samples as procgen-tools' probing data: levels from --seeds in order, each played once (actions sampled \
            from the policy, reproducibly from --random-seed, unless --argmax; at most --max-steps steps); levels without a \
            decision square, and episodes that never stand on it, are skipped; the observation probed is the last \
            one with the mouse on the decision square. Per layer, target and seeded 80/20 split: features ranked by \
            the F-test on the training rows (f_classif / f_regression), the top K kept, L2 logistic regression \
            (class_weight balanced) or ridge fitted, scored on the test rows (accuracy / R²). \
            Targets: square-open (world cell --square, default 13,12), cheese-at (world cell --cheese-cell, \
            default the samples' most common cheese cell), cheese-x, cheese-y (world coordinates), got-cheese. \
            World cells: procgen-tools' full grid, x right, y up, 0..24. \
            Writes samples.csv, probes.csv, summary.csv and plots/ (PNG and SVG) into --out.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp + " Default 0..<1000000.", valueName: "seeds"),
            transform: parseSeeds)
    var seeds: SeedList?
    @Option(help: "Stop after this many samples (default: every sample the seeds give).")
    var samples: Int?
    @Option(help: ArgumentHelp("Activation labels, comma-separated (default: procgen-tools' ten probed layers).", valueName: "a,b,..."))
    var layers: String?
    @Option(help: ArgumentHelp("Targets, comma-separated: \(ProbeTarget.names.joined(separator: ", ")) (default: all).",
                               valueName: "t,t,..."))
    var targets: String?
    @Option(name: .customLong("k"), help: ArgumentHelp("K values for every target (default: the notebook's list per target).",
                                                         valueName: "k,k,..."))
    var kList: String?
    @Option(help: "Number of seeded 80/20 train/test splits.")
    var splits = 5
    @Option(name: .customLong("random-seed"), help: "Seed of the splits (seeds SEED, SEED+1, ...) and of the action sampling.")
    var seed: UInt32 = 42
    /// `--seed` is a level seed everywhere else; here it is refused with a pointer to `--random-seed`.
    @Option(name: .customLong("seed"), help: .hidden)
    var levelSeedMistake: String?
    @Option(help: ArgumentHelp("World cell of square-open.", valueName: "x,y"))
    var square = "13,12"
    @Option(help: ArgumentHelp("World cell of cheese-at (default: the most common cheese cell).", valueName: "x,y"))
    var cheeseCell: String?
    @Option(name: .customLong("C"), help: "Logistic regression C for every classification target (default 10, got-cheese 1).")
    var c: Double?
    @Option(help: "Ridge alpha for cheese-x and cheese-y (default 100).")
    var alpha: Double?
    @Option(help: ArgumentHelp("Probe only these channels of conv layers: a list (8,55), cheese, effective, all or topK (the layer's K best cheese channels); default every feature.",
                               valueName: "channels"))
    var channels: String?
    @Flag(help: "Play the most probable action instead of sampling.")
    var argmax = false
    @Option(help: "Step limit per episode.")
    var maxSteps = 256
    @Option(help: "Memory for gathered activation columns, in MiB (more columns per pass means fewer forward passes).")
    var gatherMemory = 1024
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions
    @OptionGroup var levelOptions: LevelOptions

    public init() {}

    static func cell(_ text: String, option: String) throws -> WorldPoint {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let x = parts[0], let y = parts[1], (0..<25).contains(x), (0..<25).contains(y) else {
            throw ValidationError("--\(option) '\(text)': write a world cell x,y with 0 <= x, y <= 24, e.g. 13,12")
        }
        return WorldPoint(x: x, y: y)
    }

    var targetList: [ProbeTarget] {
        get throws {
            let names = (targets ?? ProbeTarget.names.joined(separator: ","))
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--targets: name at least one of \(ProbeTarget.names.joined(separator: ", "))") }
            let squareCell = try Self.cell(square, option: "square")
            let cheese = try cheeseCell.map { try Self.cell($0, option: "cheese-cell") } ?? WorldPoint(x: -1, y: -1)
            var list: [ProbeTarget] = []
            for name in names {
                let target: ProbeTarget
                switch name {
                case "square-open": target = .squareOpen(squareCell)
                case "cheese-at": target = .cheeseAt(cheese)
                case "cheese-x": target = .cheeseX
                case "cheese-y": target = .cheeseY
                case "got-cheese": target = .reachedCheese
                default:
                    throw ValidationError("--targets: '\(name)' is not a target; choose from \(ProbeTarget.names.joined(separator: ", "))")
                }
                if list.contains(target) { throw ValidationError("--targets: '\(name)' is listed twice") }
                list.append(target)
            }
            return list
        }
    }

    var layerList: [String] {
        get throws {
            guard let layers else { return LinearProbeExperiment.defaultLayers }
            let names = layers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--layers: name at least one activation label") }
            var seen: [String] = []
            for name in names {
                let canonical: String
                do { canonical = try ActivationLabels.canonical(name) } catch {
                    throw ValidationError(ProbeError.badLayer(name).description)
                }
                if seen.contains(canonical) { throw ValidationError("--layers: '\(name)' is listed twice") }
                seen.append(canonical)
            }
            return seen
        }
    }

    var ks: [Int]? {
        get throws {
            guard let kList else { return nil }
            let items = kList.split(separator: ",", omittingEmptySubsequences: false)
            let values = items.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw ValidationError("--k '\(kList)': write positive whole numbers, e.g. 1,10,100,1000")
            }
            return values.map { $0! }
        }
    }

    func checkChannels() throws {
        guard let channels else { return }
        do { try ChannelChoice.checkSyntax(channels) } catch { throw usageError(error) }
    }

    public func validate() throws {
        if levelSeedMistake != nil {
            throw ValidationError("--seed names one level in mazerender; the levels here are --seeds, and the seed of the random draws is --random-seed")
        }
        if let samples, samples < 10 { throw ValidationError("--samples \(samples): probes need at least 10 samples") }
        if seeds == nil, samples == nil { throw ValidationError("give --samples N (or --seeds to use every sample they give)") }
        guard (1...100).contains(splits) else { throw ValidationError("--splits \(splits): use 1 to 100 splits") }
        guard maxSteps >= 1 else { throw ValidationError("--max-steps \(maxSteps) must be at least 1") }
        guard gatherMemory >= 16 else { throw ValidationError("--gather-memory \(gatherMemory): give at least 16 MiB") }
        if let c, !(c > 0 && c.isFinite) { throw ValidationError("--C \(c): must be a positive number") }
        if let alpha, !(alpha >= 0 && alpha.isFinite) { throw ValidationError("--alpha \(alpha): must be a number >= 0") }
        _ = try targetList
        _ = try layerList
        _ = try ks
        try checkChannels()
    }

    public func run() throws {
        let context = try modelOptions.context(assetOptions)
        let seedList = try seeds?.seeds ?? SeedList("0..<1000000").seeds
        let experiment = LinearProbeExperiment(
            layers: try layerList, targets: try targetList, ks: try ks, c: c, alpha: alpha, splitCount: splits,
            splitSeed: UInt64(seed), channels: channels, gatherBudgetBytes: gatherMemory << 20)
        let sampling = ProbeSampling(generator: levelOptions.generator, maxSteps: maxSteps,
                                     selection: argmax ? .argmax : .sample(seed: seed))
        let job = ProbeJob(seeds: seedList, sampleCount: samples, sampling: sampling, experiment: experiment, out: out, existing: overwrite ? .overwrite : .refuse)
        let progress = CountProgress(name: "probe", unit: "", noteInterval: 5)
        let outcome = try job.run(in: context, progress: progress.handler)
        let s = outcome.sampling
        print("probe: \(s.samples.count) samples from \(s.seedsExamined) seeds (\(s.withoutDecisionSquare) without a decision "
              + "square, \(s.squareNeverVisited) never on it) in \(String(format: "%.1f", outcome.samplingSeconds)) s; "
              + "\(outcome.results.count) probes in \(String(format: "%.1f", outcome.probingSeconds)) s; wrote \(out)")
    }
}
