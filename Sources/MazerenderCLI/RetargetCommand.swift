import ArgumentParser
import ExperimentJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeSimulation
import PolicyAnalysis
import PolicyExperiments

/// `mazerender retarget`: procgen-tools' retargeting maps over many levels.
public struct RetargetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "retarget",
        abstract: "Retargeting maps: how likely the policy walks to each square, normally, with the cheese there, and with channels set there.",
        discussion: """
            For each level (cheese removed) and each open square except the start: the geometric mean, over the \
            shortest path from the start to the square (the square excluded), of the policy's 5-way probability of \
            the path's step (procgen-tools' geometric_probability_path), under the --conditions: normal (no \
            intervention), cheese (the cheese moved onto the square) and channels (at --layer, the --channels set to \
            --value at the channel cell over the square and to --default elsewhere; without --default, the values \
            they have with the mouse on the start). Writes into --out: retargeting.csv (row = maze y, 0 at the \
            bottom; col = maze x; maze_size; d_to_coord = squares on the path, both ends included; probability; \
            magnitude = --value for the channel rows; intervention = normal, cheese or the channel set's name, \
            'cheese-channels' for --channels cheese; seed; topright_path_divergence = path squares off the path to \
            the top-right square), summary.md, plots/ (mean probability against distance and against divergence, \
            per condition) and heatmaps/seed-S.png (red squares, opacity = probability). procgen-tools' runs used \
            --value 5.5 for channel 55, 2.3 for the effective channels and 1.0 for all 11 cheese channels.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @Option(help: "Output folder.")
    var out: String
    @OptionGroup var channelOptions: ChannelOptions
    @Option(parsing: .unconditional, help: "Value written at the channel cell over the target square.")
    var value: Float = 5.5
    @Option(name: .customLong("default"), parsing: .unconditional,
            help: ArgumentHelp("Value of the set channels' other cells (default: their values with the mouse on the start).",
                               valueName: "value"))
    var background: Float?
    @Option(help: ArgumentHelp("Conditions to run, comma-separated: normal, cheese, channels.", valueName: "list"))
    var conditions = "normal,cheese,channels"
    @Option(help: "Skip levels whose maze is larger than N x N (procgen's mazes are 3 to 25).")
    var maxSize = 25
    @Option(help: "Heat maps for the first N levels run (0: none).")
    var heatmaps = 50
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var level: LevelOptions
    @OptionGroup var assetOptions: AssetOptions

    public init() {}

    static let conditionNames = ["normal", "cheese", "channels"]

    /// The parsed `--conditions`, in the order given.
    var conditionList: [String] {
        get throws {
            let names = conditions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--conditions: name at least one of normal, cheese, channels") }
            for name in names where !Self.conditionNames.contains(name) {
                throw ValidationError("--conditions: '\(name)' is not a condition; choose from normal, cheese, channels")
            }
            guard Set(names).count == names.count else { throw ValidationError("--conditions lists a condition twice") }
            return names
        }
    }

    public func validate() throws {
        guard value.isFinite else { throw ValidationError("--value \(value) is not a finite number") }
        if let background, !background.isFinite {
            throw ValidationError("--default \(background) is not a finite number")
        }
        guard (3...25).contains(maxSize) else { throw ValidationError("--max-size \(maxSize) must be 3...25") }
        guard heatmaps >= 0 else { throw ValidationError("--heatmaps \(heatmaps) must be 0 or more") }
        let names = try conditionList
        if names.contains("channels"), level.mode != .hard {
            throw ValidationError("--mode \(level.mode.rawValue): the channels condition maps squares to channel cells in procgen's 25x25 hard-mode world; use --mode hard or drop channels from --conditions")
        }
        if !names.contains("channels") {
            if channelOptions.channels != nil { throw ValidationError("--channels applies only with the channels condition") }
            if background != nil { throw ValidationError("--default applies only with the channels condition") }
        }
    }

    /// The experiment for `network`: conditions, and the channel set resolved (the ranking runs only when
    /// `--channels` is not given or is `topK`). - Throws: `ChannelChoiceError` (one line).
    public func experiment(network: ImpalaNetwork, evaluator: PolicyEvaluator) throws -> (RetargetingExperiment, String) {
        var list: [RetargetingCondition] = []
        var source = ""
        for name in try conditionList {
            switch name {
            case "normal": list.append(.normal)
            case "cheese": list.append(.cheese)
            default:
                let site = try ChannelLayer(channelOptions.layer, network: network)
                let choice = try ChannelChoice.resolve(channelOptions.channels, layer: site, evaluator: evaluator)
                source = channelOptions.channels.map { "--channels \($0)" } ?? "the model's own top channels"
                // "cheese" would read as the cheese condition in the intervention column.
                let label = choice.name == "cheese" ? "cheese-channels" : choice.name
                list.append(.channels(ChannelRetargeting(name: label, layer: channelOptions.layer, channels: choice.channels,
                                                         value: value, background: background)))
            }
        }
        return (RetargetingExperiment(conditions: list), source)
    }

    public func run() throws {
        let context = try modelOptions.context(assetOptions)
        let (experiment, source): (RetargetingExperiment, String)
        do { (experiment, source) = try self.experiment(network: context.network, evaluator: context.evaluator) } catch let error as ChannelChoiceError {
            throw usageError(error)
        }
        let job = RetargetJob(seeds: seeds.seeds, seedsText: seeds.text, generator: level.generator,
                              experiment: experiment, maxSize: maxSize, heatmapLimit: heatmaps, channelSource: source,
                              out: out)
        let progress = CountProgress(name: "retarget", unit: "levels")
        let outcome = try job.run(in: context, progress: progress.handler)
        progress.finish()
        print(String(format: "wrote %@/%@: %d levels, %d rows, %d observations in %.1f s (%.0f observations/s)",
                     out, RetargetJob.tableName, outcome.levels, outcome.rows, outcome.observations, outcome.seconds,
                     Double(outcome.observations) / max(outcome.seconds, 1e-9)))
        for condition in outcome.summary.conditions {
            print(String(format: "  %@: mean %.3f, median %.3f over %d targets", condition.name, condition.mean,
                         condition.median, condition.count))
        }
    }
}
