import ArgumentParser
import ExperimentJobs
import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles
import PolicyExperiments

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Behavioural statistics over many levels (procgen-tools' experiments/statistics), every number as CSV.",
        subcommands: [StatsRunCommand.self, StatsMergeCommand.self],
        defaultSubcommand: StatsRunCommand.self
    )
}

public struct StatsRunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play each seed's upstream level once and measure it; write seeds.csv and run.json into --out.",
        discussion: """
            seeds.csv has one row per seed: seed, maze_dim, cheese_x, cheese_y, decision_square_x, \
            decision_square_y, cheese_in_top_right_5x5, reached_cheese, steps, entered_top_right_5x5, p_cheese, \
            p_top_right, p_cheese_patched, p_top_right_patched, p_cheese@C for further --coeffs, and procgen-tools' \
            16 maze metrics (empty where undefined). Maze cells: x right, y up, the mouse starting at 0,0. \
            Episodes as `evaluate` plays them (argmax unless --sample). p_*: 5-way probabilities of the first move \
            toward the cheese / the top-right cell with the mouse on the decision square, unpatched and with the \
            level's own cheese vector at the first --coeffs value. \
            Sharding: --shard K/N runs the K-th of N contiguous blocks of --seeds (also read from a Slurm job \
            array's environment; for a Kubernetes Indexed Job give --shard auto/N); combine the folders with \
            `mazerender stats merge`. An interrupted run keeps seeds.partial.csv; run again with --resume.

            --models FILE... or --models FOLDER runs once per checkpoint into --out/<checkpoint file name>/ (each \
            exactly what a run with that --model writes), then writes --out/models.csv (one row per model: model, \
            sha256, scale, levels, each rate of summary.md as Q, Q_low, Q_high, Q_n, each mean and median as \
            Q_mean, Q_mean_low, ..., Q_median_high, Q_n, then regression_levels and the L1 test and majority \
            baseline accuracies with their 95 % intervals) and models.png / models.svg; --out/run.json lists every \
            file. Not with --shard or --resume: a stopped run of several models starts again with --overwrite.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @Option(help: "Step limit per episode.")
    var maxSteps = 256
    @Option(name: .long, defaultAsFlag: 0, parsing: .next,
            help: ArgumentHelp("Sample actions (reproducibly, from SEED, default 0) instead of the argmax.", valueName: "seed"))
    var sample: UInt32? = nil
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Cheese-vector coefficients, comma-separated; the first fills p_*_patched.", valueName: "c,c,..."))
    var coeffs = "-1"
    @Option(help: ArgumentHelp("Run one part of the seeds: K/N (1 <= K <= N), or auto/N with a Kubernetes Indexed Job (default: every seed, or a Slurm job array task's part when SLURM_ARRAY_TASK_ID is set).",
                               valueName: "K/N"))
    var shard: String?
    @Flag(help: "Finish an interrupted run in --out, computing only the seeds it lacks.")
    var resume = false
    @Option(help: ArgumentHelp("Features of the maximum-likelihood regression (default: the four the posts claim).",
                               valueName: "a,b,c"))
    var features = BehaviourAnalysis.claimedFeatures.joined(separator: ",")
    @OptionGroup var modelOptions: ModelChoiceOptions
    @OptionGroup var assetOptions: AssetOptions

    public init() {}

    /// The parsed cheese-vector coefficients.
    public var coefficients: [Float] {
        get throws {
            try coeffs.split(separator: ",", omittingEmptySubsequences: false).map { item in
                guard let value = Float(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw ValidationError("--coeffs: '\(item)' is not a number; write e.g. -1 or -1,-2,1")
                }
                return value
            }
        }
    }

    var featureList: [String] {
        get throws {
            let names = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--features: name at least one metric") }
            for name in names where !MazeMetrics.names.contains(name) {
                throw ValidationError("--features: '\(name)' is not a metric; choose from \(MazeMetrics.names.joined(separator: ", "))")
            }
            return names
        }
    }

    /// The shard from `--shard` or, without it, from a scheduler's environment.
    public func resolvedShard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        do {
            if let shard {
                if shard.hasPrefix("auto/") {
                    guard let count = Int(shard.dropFirst(5)), count >= 1 else { throw ShardError.syntax(shard) }
                    guard let found = try Shard.fromEnvironment(environment, count: count) else {
                        throw ValidationError("--shard \(shard): neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
                    }
                    return found
                }
                return try Shard(parsing: shard)
            }
            return try Shard.fromEnvironment(environment)
        } catch let error as ShardError {
            throw usageError(error)
        }
    }

    /// The job these options describe.
    var job: StatsJob {
        get throws {
            StatsJob(seeds: seeds.seeds, seedsText: seeds.text, shard: try resolvedShard(), maxSteps: maxSteps,
                     sampleSeed: sample, coefficients: try coefficients, resume: resume, features: try featureList,
                     out: out, existing: overwrite ? .overwrite : .refuse)
        }
    }

    public func validate() throws {
        do {
            if modelOptions.isSingle { try job.validate() } else { try job.validateForModels() }
        } catch {
            throw usageError(error)
        }
    }

    public func run() throws {
        guard modelOptions.isSingle else { return try runModels() }
        // run.json records the SHA-256 of the bytes the network was read from.
        let context = try modelOptions.context(assetOptions)
        let job = try self.job
        let shard = job.shard
        let started = Date()
        let reporter = CountProgress(name: "stats", unit: "seeds")
        if let shard { FileHandle.standardError.write(Data("stats: shard \(shard), \(job.shardSeeds.count) seeds\n".utf8)) }
        let table = try job.run(in: context, progress: reporter.handler)
        reporter.finish()
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "wrote %@/%@: %d seeds in %.1f s (%.1f seeds/s)", out, StatsJob.tableName,
                     table.rows.count, seconds, Double(table.rows.count) / max(seconds, 1e-9)))
    }
}

extension StatsRunCommand {
    /// `--models`: every checkpoint checked first, then a stats run each, then the comparison.
    func runModels() throws {
        let models = try modelOptions.resolve()
        let renderer = try assetOptions.renderer()
        let job = try self.job
        let started = Date()
        let reporter = CountProgress(name: "stats", unit: "seeds")
        let results = try job.run(models: models, renderer: renderer, command: Invocation.arguments, progress: reporter.handler)
        reporter.finish()
        print(String(format: "wrote %@/%@: %d model%@, %d seeds each, in %.1f s", out, StatsJob.comparisonTableName,
                     results.count, results.count == 1 ? "" : "s", job.seeds.count, Date().timeIntervalSince(started)))
    }
}

struct StatsMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the folders of `stats --shard K/N` runs (all N of them) into the single run's output."
    )

    @Argument(help: "The shard folders, in any order.")
    var shards: [String]
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @Option(help: ArgumentHelp("Features of the maximum-likelihood regression.", valueName: "a,b,c"))
    var features = BehaviourAnalysis.claimedFeatures.joined(separator: ",")

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("name the shard folders to merge") }
    }

    func run() throws {
        let names = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let table = try StatsJob.merge(shards, to: out, features: names, provenance: Provenance(command: Invocation.arguments),
                                       existing: overwrite ? .overwrite : .refuse)
        print("wrote \(out)/\(StatsJob.tableName): \(table.rows.count) seeds from \(shards.count) shards")
    }
}
