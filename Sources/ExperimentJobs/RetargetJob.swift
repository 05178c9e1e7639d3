import ActivationPatching
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments

/// `mazerender retarget`: procgen-tools' retargeting experiment (`RetargetingExperiment`) over a seed list,
/// written into a folder:
/// - `retargeting.csv`: one `RetargetingRow` per level, condition and target square;
/// - `summary.md`: the run, throughput, and per condition the mean and median probability and its mean
///   against the path distance and the divergence from the top-right path;
/// - `plots/`: those two curves per condition (PNG and SVG);
/// - `heatmaps/seed-S.png`: per level (up to `heatmapLimit`), one panel per condition, each target square red
///   with opacity 0.9 · probability over the cheese-free maze (procgen-tools' `show_grid_heatmap`).
public struct RetargetJob: Job {
    public var seeds: [Int32]
    public var seedsText: String
    public var generator: LevelGenerator
    public var experiment: RetargetingExperiment
    /// Levels whose maze is larger are skipped (procgen's sizes are 3...25).
    public var maxSize: Int
    /// Heat maps for the first this many levels run.
    public var heatmapLimit: Int
    /// How the channel set was chosen, for the summary (e.g. "--channels effective").
    public var channelSource: String

    public init(seeds: [Int32], seedsText: String, generator: LevelGenerator = LevelGenerator(),
                experiment: RetargetingExperiment, maxSize: Int = 25, heatmapLimit: Int = 50, channelSource: String = "",
                out: String) {
        self.out = out
        self.seeds = seeds
        self.seedsText = seedsText
        self.generator = generator
        self.experiment = experiment
        self.maxSize = maxSize
        self.heatmapLimit = heatmapLimit
        self.channelSource = channelSource
    }

    /// The output folder.
    public var out: String

    public static let tableName = "retargeting.csv"

    /// What a run did, for the command's report.
    public struct Result: Sendable {
        public var levels: Int
        public var skipped: Int
        public var rows: Int
        public var observations: Int
        public var seconds: Double
        public var summary: RetargetingSummary
    }

    /// Runs every level and writes the folder. `progress(done, total)` after each level.
    /// - Throws: `JobError` naming the option, the seed or the file.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        try run(network: context.network, renderer: context.renderer, modelPath: context.modelPath ?? "(not from a file)",
                to: out, progress: JobProgress.counter(progress, unit: "levels"))
    }

    private func run(network: ImpalaNetwork, renderer: ObservationRenderer, modelPath: String, to directory: String,
                     progress: ((Int, Int) -> Void)?) throws -> Result {
        guard !seeds.isEmpty else { throw JobError(.seeds, "is empty") }
        guard !experiment.conditions.isEmpty else { throw JobError(.conditions, ": name at least one condition") }
        do { try experiment.check(network: network) } catch { throw JobError("\(setting: .channels)/\(setting: .layer): \(error)") }
        let sprites: MazeSprites
        do { sprites = try MazeSprites(assets: renderer.assets) } catch { throw JobError("\(error)") }
        let folder = try OutputFolder(directory)
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        let started = Date()
        var rows: [RetargetingRow] = []
        var levels: [RetargetingLevel] = []
        var skipped = 0, observations = 0
        progress?(0, seeds.count)
        for (index, seed) in seeds.enumerated() {
            let maze = generator.generate(seed: seed)
            if maze.mazeDimension > maxSize {
                skipped += 1
            } else {
                let level: RetargetingLevel
                do { level = try experiment.run(seed: seed, level: maze, evaluator: evaluator) } catch {
                    throw JobError("seed \(seed): \(error)")
                }
                rows += level.rows
                observations += level.observations
                if levels.count < heatmapLimit { levels.append(level) }
            }
            progress?(index + 1, seeds.count)
        }
        let seconds = Date().timeIntervalSince(started)
        let summary = RetargetingSummary(rows: rows)
        let outcome = Result(levels: seeds.count - skipped, skipped: skipped, rows: rows.count,
                              observations: observations, seconds: seconds, summary: summary)
        do {
            try CSVTable(columns: RetargetingRow.columns, rows: rows.map(\.cells)).write(to: directory + "/" + Self.tableName)
            try OutputFile.write(text: summaryText(outcome, modelPath: modelPath), to: directory + "/summary.md")
            try RetargetPlots.write(summary, conditions: experiment.conditions, levels: outcome.levels, to: directory + "/plots")
            try RetargetPlots.writeHeatmaps(levels, sprites: sprites, to: directory + "/heatmaps")
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError("retarget output in \(directory): \(error)")
        }
        folder.keep()
        return outcome
    }

    func summaryText(_ outcome: Result, modelPath: String) -> String {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        var text = """
            # Retargeting

            Seeds `\(seedsText)`: \(outcome.levels) levels\(outcome.skipped > 0 ? " (\(outcome.skipped) larger than \(maxSize)x\(maxSize) skipped)" : ""), \
            model `\(modelPath)`, cheese removed, \(outcome.rows) rows. \(outcome.observations) observations in \
            \(String(format: "%.1f", outcome.seconds)) s (\(String(format: "%.0f", Double(outcome.observations) / max(outcome.seconds, 1e-9))) \
            observations/s, \(String(format: "%.2f", Double(outcome.levels) / max(outcome.seconds, 1e-9))) levels/s).

            Probability: the geometric mean, over the shortest path from the start to the target square (target \
            excluded), of the policy's 5-way probability of the path's step.

            """
        for case let .channels(intervention) in experiment.conditions {
            text += "\nChannel condition `\(intervention.name)`\(channelSource.isEmpty ? "" : " (\(channelSource))"): "
                + "layer `\(intervention.layer)`, channels \(intervention.channels.map(String.init).joined(separator: ", ")), "
                + "value \(BehaviourRow.text(Double(intervention.value))) at the channel cell over the target, "
                + (intervention.background.map { "\(BehaviourRow.text(Double($0))) elsewhere" } ?? "the start observation's values elsewhere") + ".\n"
        }
        text += "\n| condition | targets | mean | median | share > 0.5 |\n|---|---|---|---|---|\n"
        for condition in outcome.summary.conditions {
            text += "| \(condition.name) | \(condition.count) | \(f(condition.mean)) | \(f(condition.median)) | \(f(condition.aboveHalf)) |\n"
        }
        func table(_ title: String, width: Int, _ bins: (RetargetingSummary.Condition) -> [RetargetingSummary.Bin]) {
            let names = outcome.summary.conditions.map(\.name)
            var keys = Set<Int>()
            for condition in outcome.summary.conditions { for bin in bins(condition) { keys.insert(bin.lower) } }
            text += "\n### Mean probability by \(title)\n\n| \(title) | " + names.joined(separator: " | ") + " |\n|---|"
                + String(repeating: "---|", count: names.count) + "\n"
            for lower in keys.sorted() {
                let label = width == 1 ? "\(lower)" : "\(lower)–\(lower + width - 1)"
                text += "| \(label) | " + outcome.summary.conditions.map { condition in
                    bins(condition).first { $0.lower == lower }.map { "\(f($0.mean)) (\($0.count))" } ?? "–"
                }.joined(separator: " | ") + " |\n"
            }
        }
        table("path distance d_to_coord", width: outcome.summary.distanceBinWidth, \.byDistance)
        table("divergence from the top-right path", width: outcome.summary.divergenceBinWidth, \.byDivergence)
        text += "\nCells: mean (targets). All numbers: `\(Self.tableName)`; plots: `plots/`; heat maps: `heatmaps/`.\n"
        return text
    }
}
