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
            per condition) and heatmaps/seed-S.png (red squares, opacity = probability). procgen-tools' runs, \
            on the published agent, used --value 5.5 for channel 55, 2.3 for the effective channels and 1.0 for all \
            11 cheese channels; the default instead scales the value to the loaded model's own activations.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @OptionGroup var channelOptions: ChannelOptions
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Value written at the channel cell over the target square (default: calibrated on the loaded model, the median over the run's first 50 levels of the channels' largest activation with the mouse on the start; summary.md states it).",
        valueName: "value"))
    var value: Float?
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

    /// The parsed `--conditions`, in the order given.
    var conditionList: [RetargetJob.Condition] {
        get throws {
            let names = conditions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let all = RetargetJob.Condition.allCases.map(\.rawValue).joined(separator: ", ")
            return try names.map { name in
                guard let condition = RetargetJob.Condition(rawValue: name) else {
                    throw ValidationError("--conditions: '\(name)' is not a condition; choose from \(all)")
                }
                return condition
            }
        }
    }

    /// The job these options describe.
    var job: RetargetJob {
        get throws {
            RetargetJob(seeds: seeds.seeds, seedsText: seeds.text, generator: level.generator, conditions: try conditionList,
                        layer: channelOptions.layer, channels: channelOptions.channels, value: value,
                        background: background, maxSize: maxSize, heatmapLimit: heatmaps,
                        channelSource: channelOptions.channels.map { "--channels \($0)" } ?? "the model's own top channels",
                        out: out, existing: overwrite ? .overwrite : .refuse)
        }
    }

    public func validate() throws {
        do { try job.validate() } catch { throw usageError(error) }
    }

    public func run() throws {
        let context = try modelOptions.context(assetOptions)
        let job = try self.job
        let progress = CountProgress(name: "retarget", unit: "levels")
        let outcome: RetargetJob.Result
        do { outcome = try job.run(in: context, progress: progress.handler) } catch let error as ChannelChoiceError {
            throw usageError(error)
        }
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
