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
import Statistics

/// `mazerender retarget`: procgen-tools' retargeting experiment (`RetargetingExperiment`) over a seed list,
/// written into a folder:
/// - `retargeting.csv`: one `RetargetingRow` per level, condition and target square;
/// - `summary.md`: the run, throughput, and per condition the mean and median probability and its mean
///   against the path distance and the divergence from the top-right path, each with n and a 95 % interval;
/// - `summary.json`: the same numbers with their intervals;
/// - `plots/`: those two curves per condition (PNG and SVG);
/// - `heatmaps/seed-S.png`: per level (up to `heatmapLimit`), one panel per condition, each target square red
///   with opacity 0.9 · probability over the cheese-free maze (procgen-tools' `show_grid_heatmap`).
public struct RetargetJob: Job {
    public var seeds: [Int32]
    public var seedsText: String
    public var generator: LevelGenerator
    /// The conditions, in the order run (and written).
    public var conditions: [Condition]
    /// The channels condition's site and channels (a list, a named set or `topK`; nil: the model's own top cheese
    /// channels), the value set at the target's channel cell and at the others (nil: their values with the mouse
    /// on the start).
    public var layer: String
    public var channels: String?
    /// nil: calibrated on the loaded model (`calibratedValue`), so that a model whose activations run on
    /// another scale than the published agent's gets a value of its own channels' size.
    public var value: Float?
    public var background: Float?
    /// Levels whose maze is larger are skipped (procgen's sizes are 3...25).
    public var maxSize: Int
    /// Heat maps for the first this many levels run.
    public var heatmapLimit: Int
    /// How the caller describes where the channel set came from, quoted in `summary.md` (e.g. "--channels
    /// effective"); empty for none.
    public var channelSource: String

    /// What is run on each target square.
    public enum Condition: String, Sendable, CaseIterable {
        /// No intervention.
        case normal
        /// The cheese moved onto the square.
        case cheese
        /// The channels set at the channel cell over the square.
        case channels
    }

    public init(seeds: [Int32], seedsText: String, generator: LevelGenerator = LevelGenerator(),
                conditions: [Condition] = Condition.allCases, layer: String = ChannelLayer.defaultLabel,
                channels: String? = nil, value: Float? = nil, background: Float? = nil, maxSize: Int = 25,
                heatmapLimit: Int = 50, channelSource: String = "", out: String, existing: ExistingOutput = .refuse) {
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.seedsText = seedsText
        self.generator = generator
        self.conditions = conditions
        self.layer = layer
        self.channels = channels
        self.value = value
        self.background = background
        self.maxSize = maxSize
        self.heatmapLimit = heatmapLimit
        self.channelSource = channelSource
    }

    /// The checks that need no network (front ends call it before loading one; `run` calls it too).
    public func validate() throws(JobError) {
        guard !seeds.isEmpty else { throw JobError(.seeds, "is empty") }
        guard !conditions.isEmpty else { throw JobError(.conditions, ": name at least one of normal, cheese, channels") }
        guard Set(conditions).count == conditions.count else { throw JobError(.conditions, "lists a condition twice") }
        if let value, !value.isFinite { throw JobError(.value, "\(value) is not a finite number") }
        if let background, !background.isFinite { throw JobError(.background, "\(background) is not a finite number") }
        guard (3...25).contains(maxSize) else { throw JobError(.maxSize, "\(maxSize) must be 3...25") }
        guard heatmapLimit >= 0 else { throw JobError(.heatmaps, "\(heatmapLimit) must be 0 or more") }
        if conditions.contains(.channels), generator.mode != .hard {
            throw JobError(.mode, "\(generator.mode.rawValue): the channels condition maps squares to channel cells in procgen's 25x25 hard-mode world; use \(setting: .mode) hard or drop channels from \(setting: .conditions)")
        }
        if !conditions.contains(.channels) {
            if channels != nil { throw JobError(.channels, "applies only with the channels condition") }
            if background != nil { throw JobError(.background, "applies only with the channels condition") }
        }
    }

    /// The experiment for `evaluator`'s network: the conditions, with the channel set resolved (the ranking runs
    /// only when `channels` is nil or `topK`). - Throws: `ChannelChoiceError` (one line).
    public func experiment(evaluator: PolicyEvaluator) throws -> RetargetingExperiment {
        try RetargetingExperiment(conditions: conditions.map { condition -> RetargetingCondition in
            switch condition {
            case .normal: return .normal
            case .cheese: return .cheese
            case .channels:
                let site = try ChannelLayer(layer, network: evaluator.network)
                let choice = try ChannelChoice.resolve(channels, layer: site, evaluator: evaluator)
                // "cheese" would read as the cheese condition in the intervention column.
                let label = choice.name == "cheese" ? "cheese-channels" : choice.name
                let value = try self.value ?? Self.calibratedValue(channels: choice.channels, layer: layer,
                                                                   levels: calibrationSeeds.map { generator.generate(seed: $0) },
                                                                   evaluator: evaluator)
                return .channels(ChannelRetargeting(name: label, layer: layer, channels: choice.channels, value: value,
                                                    background: background))
            }
        })
    }

    /// Levels the default value is calibrated on: the run's first 50 seeds.
    public var calibrationSeeds: [Int32] { Array(seeds.prefix(50)) }

    /// The default value of the channels condition: the median, over `levels` (mouse on the start, cheese in
    /// place), of the largest activation among `channels` at `layer`. A strong but typical activation of these
    /// channels in this model; the published agent's fixed 5.5 for channel 55 would saturate or vanish on a
    /// model whose activations run on another scale.
    public static func calibratedValue(channels: [Int], layer: String, levels: [MazeState],
                                       evaluator: PolicyEvaluator) throws -> Float {
        var peaks: [Float] = []
        for level in levels {
            let values = try evaluator.activations(of: level, layer: layer)
            let cells = values.shape.dropFirst().reduce(1, *)
            let peak = channels.map { channel in values.scalars[(channel * cells)..<((channel + 1) * cells)].max() ?? 0 }.max() ?? 0
            peaks.append(peak)
        }
        guard !peaks.isEmpty else { return 0 }
        peaks.sort()
        let middle = peaks.count / 2
        return peaks.count % 2 == 1 ? peaks[middle] : (peaks[middle - 1] + peaks[middle]) / 2
    }

    /// The output folder, and what to do when it holds an earlier run.
    public var out: String
    public var existing: ExistingOutput

    /// The settings `run.json` records.
    public var settings: JSONValue {
        .object([("seeds", .string(seedsText)), ("level_generator", .string(generator.variant.description)),
                 ("conditions", .array(conditions.map { .string($0.rawValue) })), ("layer", .string(layer)),
                 ("channels", channels.map { .string($0) } ?? .null), ("value", value.map { .float($0) } ?? .string("calibrated")),
                 ("background", background.map { .float($0) } ?? .null), ("max_size", .int(maxSize)),
                 ("heatmaps", .int(heatmapLimit))])
    }

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
        try run(network: context.network, renderer: context.renderer, provenance: context.provenance,
                to: out, progress: JobProgress.counter(progress, unit: "levels"))
    }

    private func run(network: ImpalaNetwork, renderer: ObservationRenderer, provenance: Provenance, to directory: String,
                     progress: ((Int, Int) -> Void)?) throws -> Result {
        let modelPath = provenance.model ?? "(not from a file)"
        try validate()
        // A channel set the model's layer cannot hold is a `ChannelChoiceError`, as the front end's own checks.
        let experiment = try self.experiment(evaluator: PolicyEvaluator(network: network, renderer: renderer))
        do { try experiment.check(network: network) } catch { throw JobError("\(setting: .channels)/\(setting: .layer): \(error)") }
        let sprites: MazeSprites
        do { sprites = try MazeSprites(assets: renderer.assets) } catch { throw JobError("\(error)") }
        let folder = try RunFolder(directory, job: "retarget", settings: settings,
                                   provenance: provenance.describing(seeds: seedsText), existing: existing)
        defer { folder.abandonIfUnfinished() }
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
            try OutputFile.write(text: summaryText(outcome, experiment: experiment, modelPath: modelPath), to: directory + "/summary.md")
            try OutputFile.write(try IntervalSummary.json(Self.summaryJSON(summary)), to: directory + "/summary.json")
            try RetargetPlots.write(summary, conditions: experiment.conditions, levels: outcome.levels, to: directory + "/plots")
            try RetargetPlots.writeHeatmaps(levels, sprites: sprites, to: directory + "/heatmaps")
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError("retarget output in \(directory): \(error)")
        }
        try folder.finish()
        return outcome
    }

    /// `summary.json`: per condition n, mean, median and share > 0.5 with intervals, and per bin n and the mean's
    /// interval (`plotted`: n ≥ `RetargetPlots.minimumBinCount`).
    static func summaryJSON(_ summary: RetargetingSummary) -> JSONSummary {
        func bins(_ bins: [RetargetingSummary.Bin]) -> [JSONSummary.Bin] {
            bins.map { .init(lower: $0.lower, upper: $0.upper, n: $0.count, mean: $0.meanInterval,
                             plotted: $0.count >= RetargetPlots.minimumBinCount) }
        }
        return JSONSummary(
            conditions: summary.conditions.map { condition in
                .init(name: condition.name, n: condition.count, mean: condition.meanInterval, median: condition.medianInterval,
                      shareAboveHalf: condition.aboveHalfInterval, byDistance: bins(condition.byDistance),
                      byDivergence: bins(condition.byDivergence))
            },
            distanceBinWidth: summary.distanceBinWidth, divergenceBinWidth: summary.divergenceBinWidth,
            methods: IntervalSummary.methods)
    }

    struct JSONSummary: Encodable {
        struct Bin: Encodable {
            var lower: Int, upper: Int, n: Int
            var mean: ConfidenceInterval
            var plotted: Bool
        }
        struct Condition: Encodable {
            var name: String
            var n: Int
            var mean: ConfidenceInterval, median: ConfidenceInterval, shareAboveHalf: ConfidenceInterval
            var byDistance: [Bin], byDivergence: [Bin]
            enum CodingKeys: String, CodingKey {
                case name, n, mean, median, shareAboveHalf = "share_above_half", byDistance = "by_distance"
                case byDivergence = "by_divergence"
            }
        }
        var conditions: [Condition]
        var distanceBinWidth: Int, divergenceBinWidth: Int
        var methods: String
        enum CodingKeys: String, CodingKey {
            case conditions, distanceBinWidth = "distance_bin_width", divergenceBinWidth = "divergence_bin_width", methods
        }
    }

    func summaryText(_ outcome: Result, experiment: RetargetingExperiment, modelPath: String) -> String {
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
                + "value \(BehaviourRow.text(Double(intervention.value)))"
                + (value == nil ? " (calibrated on this model: the median, over the \(calibrationSeeds.count) levels \(RunSettings.seedsText(calibrationSeeds)) with the mouse on the start, of these channels' largest activation; a value given explicitly replaces it)" : "")
                + " at the channel cell over the target, "
                + (intervention.background.map { "\(BehaviourRow.text(Double($0))) elsewhere" } ?? "the start observation's values elsewhere") + ".\n"
        }
        text += "\n| condition | targets (n) | mean [95 %] | median [95 %] | share > 0.5 [95 %] |\n|---|---|---|---|---|\n"
        for condition in outcome.summary.conditions {
            text += "| \(condition.name) | \(condition.count) | \(condition.meanInterval.formatted()) | "
                + "\(condition.medianInterval.formatted()) | \(condition.aboveHalfInterval.formatted()) |\n"
        }
        text += "\n" + IntervalSummary.methods + " Targets of one level are not independent draws, so these intervals "
            + "are narrower than resampling whole levels would give.\n"
        func table(_ title: String, width: Int, _ bins: (RetargetingSummary.Condition) -> [RetargetingSummary.Bin]) {
            let names = outcome.summary.conditions.map(\.name)
            var keys = Set<Int>()
            for condition in outcome.summary.conditions { for bin in bins(condition) { keys.insert(bin.lower) } }
            text += "\n### Mean probability by \(title)\n\n| \(title) | " + names.joined(separator: " | ") + " |\n|---|"
                + String(repeating: "---|", count: names.count) + "\n"
            for lower in keys.sorted() {
                let label = width == 1 ? "\(lower)" : "\(lower)–\(lower + width - 1)"
                text += "| \(label) | " + outcome.summary.conditions.map { condition in
                    bins(condition).first { $0.lower == lower }.map {
                        "\($0.meanInterval.formatted()) (\($0.count))" + ($0.count < RetargetPlots.minimumBinCount ? " *" : "")
                    } ?? "–"
                }.joined(separator: " | ") + " |\n"
            }
        }
        table("path distance d_to_coord", width: outcome.summary.distanceBinWidth, \.byDistance)
        table("divergence from the top-right path", width: outcome.summary.divergenceBinWidth, \.byDivergence)
        text += "\nCells: mean [95 % bootstrap interval] (targets n); * marks n < \(RetargetPlots.minimumBinCount), left out "
            + "of the plots. All numbers: `\(Self.tableName)`; plots: `plots/`; heat maps: `heatmaps/`.\n"
        return text
    }
}
