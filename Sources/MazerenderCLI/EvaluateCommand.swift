import ArgumentParser
import ExperimentJobs
import Foundation
import JobSupport
import MazeSimulation
import OutputFiles
import PolicyAnalysis

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a maze agent: in-distribution success, cheese-anywhere behaviour, the decision-square test.",
        discussion: """
            Rollouts take the argmax action (or, with --sample, draw it from the policy's distribution), up to \
            --max-steps steps (256 by default). In distribution: \
            procgenAISC maze_aisc levels with rand_region=N. Cheese anywhere: procgen's own levels. Decision square: \
            P(step toward the cheese) there, without a patch and with the level's cheese vector at coefficient -1.

            --json FILE also writes the report as one JSON object: options (model, scale, the seed lists as given, \
            rand_region, max_steps, selection, sample_seed), in_distribution {reached, total, fraction, by_size: \
            [{sizes, reached, total, fraction}] for maze sizes 3-13, 15-17 and 19-25}, cheese_anywhere {reached, total, \
            fraction}, top_right_first {count, eligible, fraction}, decision_square {seeds, patch, median_p_cheese, \
            median_p_cheese_patched, rose, rose_fraction}; null where a fraction or median is undefined.

            --models FILE... or --models FOLDER evaluates each checkpoint in turn, exactly as alone, and prints one \
            row per model (file name, SHA-256, each rate as k/n = estimate [95 % Wilson interval], the medians with \
            95 % bootstrap intervals). --json then writes {"models": [{model, sha256, path, the fields above, \
            intervals: [{quantity, n, successes, rate|mean|median: {estimate, lower, upper, n, level, method}}]}]}; \
            --plot FILE draws each model's success rates with their intervals.
            """
    )

    @Option(parsing: .unconditional, help: "The cheese-anywhere phase's levels: procgen maze, each played once (the other phases have their own seeds). Default: 0..999.", transform: parseSeeds)
    var seeds: SeedList = try! SeedList("0..999")
    @Option(parsing: .unconditional, help: "The in-distribution phase's levels: maze_aisc with --rand-region, each played once; keep them apart from training seeds. Default: 1000000..1000499.",
            transform: parseSeeds)
    var inDistributionSeeds: SeedList = try! SeedList("1000000..1000499")
    @Option(help: "rand_region of the in-distribution levels.")
    var randRegion = 5
    @Option(parsing: .unconditional, help: "The decision-square phase's levels: procgen maze, one forward pass with and one without the cheese vector at each level's decision square. Default: 0..99.", transform: parseSeeds)
    var decisionSeeds: SeedList = try! SeedList("0..99")
    @Option(help: "Step limit per episode (the rollout command's default; procgen's own timeout is 500).")
    var maxSteps = 256
    @Option(name: .long, defaultAsFlag: 0, parsing: .next,
            help: ArgumentHelp("Sample actions from the policy's distribution (reproducibly, from SEED, default 0) instead of taking the most probable.",
                               valueName: "seed"))
    var sample: UInt32? = nil
    @Option(help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "file"))
    var json: String?
    @Option(help: ArgumentHelp("With --models: also draw each model's in-distribution and cheese-anywhere success rate with its 95 % Wilson interval (PNG, SVG or PDF by the extension; 640x480 px or wider for many models).",
                               valueName: "file"))
    var plot: String?
    @OptionGroup var modelOptions: ModelChoiceOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard maxSteps >= 1 else { throw ValidationError("--max-steps \(maxSteps) must be at least 1") }
        guard randRegion >= 0 else { throw ValidationError("--rand-region \(randRegion) is negative") }
        if plot != nil, modelOptions.isSingle {
            throw ValidationError("--plot draws the comparison of several checkpoints; give --models too")
        }
        for (path, setting) in [(json, JobSetting.json), (plot, .plot)] {
            guard let path else { continue }
            do { try OutputCheck.writable(path, setting: setting) } catch { throw usageError(error) }
        }
    }

    var job: EvaluationJob {
        EvaluationJob(inDistributionSeeds: inDistributionSeeds.seeds, randRegion: randRegion, anywhereSeeds: seeds.seeds,
                      decisionSeeds: decisionSeeds.seeds, maxSteps: maxSteps, selection: ActionSelection(sampleSeed: sample))
    }

    /// The seed lists as given, for the JSON report.
    func source(modelPath: String, scale: Int) -> EvaluationJob.ReportSource {
        EvaluationJob.ReportSource(modelPath: modelPath, scale: scale, seeds: seeds.text,
                                   inDistributionSeeds: inDistributionSeeds.text, decisionSeeds: decisionSeeds.text)
    }

    func run() throws {
        guard modelOptions.isSingle else { return try runModels() }
        let context = try modelOptions.context(assetOptions)
        let network = context.network, modelPath = context.modelPath ?? ""
        let job = self.job
        let started = Date()
        let progress = CountProgress(name: "evaluate", unit: "levels")
        let report = try job.run(in: context, progress: progress.handler)
        progress.finish()
        let actions = sample.map { "actions sampled from seed \($0)" } ?? "argmax actions"
        print("model: \(modelPath) (scale \(network.scale)); \(actions), at most \(maxSteps) steps")
        print(report.table)
        if let json {
            try JSONFiles.write(job.json(report, source: source(modelPath: modelPath, scale: network.scale)), to: json)
        }
        let forward = report.forward
        FileHandle.standardError.write(Data(String(
            format: "evaluate: %.0f s; %d observations: %d repeated an earlier step of their episode (no pass), "
                + "%d incremental, %d full, in %d forward passes; %.1f%% of the direct convolution FLOPs\n",
            Date().timeIntervalSince(started), forward.observations, forward.repeated, forward.incremental,
            forward.full, forward.passes, 100 * forward.share).utf8))
    }

    /// `--models`: every checkpoint checked first, then evaluated in turn; one row each.
    func runModels() throws {
        let models = try modelOptions.resolve()
        let renderer = try assetOptions.renderer()
        let started = Date()
        let progress = CountProgress(name: "evaluate", unit: "levels")
        let results = try job.run(models: models, renderer: renderer, command: Invocation.arguments,
                                  progress: progress.handler)
        progress.finish()
        let actions = sample.map { "actions sampled from seed \($0)" } ?? "argmax actions"
        print("\(results.count) model\(results.count == 1 ? "" : "s"); \(actions), at most \(maxSteps) steps")
        print(EvaluationJob.comparisonTable(results))
        if let json { try JSONFiles.write(job.json(results, source: source(modelPath: "", scale: 0)), to: json) }
        if let plot {
            try ModelComparisonPlot.write(EvaluationJob.comparisonChart(results), to: plot,
                                          provenance: Provenance(command: Invocation.arguments), models: models.entries)
        }
        FileHandle.standardError.write(Data(String(format: "evaluate: %.0f s\n", Date().timeIntervalSince(started)).utf8))
    }
}
