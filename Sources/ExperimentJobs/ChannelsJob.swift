import ActivationPatching
import CairoGraphics
import Charts
import FigureJobs
import Foundation
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments

/// `mazerender channels`: rank every channel of a layer by how well its map locates the cheese
/// (`ChannelRanking`) over the levels of `seeds` (as generated, mouse on its start square), and write into a
/// folder:
/// - `channels.csv`: one row per channel, best first: `channel, rank, f_score, probe_accuracy,
///   mean_difference, correlation, top` (`top` 1 for the `top` best);
/// - `ranking.png` / `.svg`: F score against rank (procgen-tools' "ranked f-test scores" plot), top channels
///   marked and labelled;
/// - `maps.png` / `.svg`: each top channel's map over the maze for the first `mapSeeds` levels (rows =
///   channels, columns = levels; as many top channels as fit in a figure's 64 panels), through the `heatmap`
///   figure path.
public struct ChannelsJob: Job {
    public var seeds: [Int32]
    public var layer: String
    public var top: Int
    public var mapSeeds: Int
    /// Seeds the random comparison cells and the probes' splits.
    public var randomSeed: UInt64
    /// How seeds become levels.
    public var generator: LevelGenerator
    /// The output folder, and what to do when it holds an earlier run.
    public var out: String
    public var existing: ExistingOutput
    /// When set, also rank the channels by mean attribution at the decision square of this target
    /// (`ChannelAttribution`: `toward-cheese` or a `GradientTarget` text), adding `attribution_mean` and
    /// `attribution_rank` to channels.csv, `attribution.png` / `.svg`, and `summary.md` comparing the rankings.
    public var attribution: String? = nil

    public init(seeds: [Int32], layer: String = ChannelLayer.defaultLabel, top: Int = 8, mapSeeds: Int = 4,
                randomSeed: UInt64 = 0, generator: LevelGenerator = LevelGenerator(), out: String,
                existing: ExistingOutput = .refuse) {
        self.generator = generator
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.layer = layer
        self.top = top
        self.mapSeeds = mapSeeds
        self.randomSeed = randomSeed
    }

    public static let tableName = "channels.csv"
    public static let columns = ["channel", "rank", "f_score", "probe_accuracy", "mean_difference", "correlation", "top"]

    /// Ranks, writes the folder and returns the ranking. - Throws: `JobError` (one line) for bad options or
    /// output; `ChannelChoiceError` for the layer; forward and drawing errors.
    public typealias Result = ChannelRanking

    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> ChannelRanking {
        let figures = try FigureContext(network: context.network, renderer: context.renderer, generator: generator,
                                        modelPath: context.modelPath)
        return try run(context: figures, provenance: context.provenance, to: out)
    }

    /// The settings `run.json` records.
    public var settings: JSONValue {
        .object([("seeds", RunSettings.seeds(seeds)), ("level_generator", .string(generator.variant.description)),
                 ("layer", .string(layer)), ("top", .int(top)), ("map_seeds", .int(mapSeeds)),
                 ("random_seed", .string(String(randomSeed)))] + attributionSettings)
    }

    /// The checks that need no network (front ends call it before loading one; `run` calls it too).
    public func validate() throws(JobError) {
        guard top >= 1 else { throw JobError(.top, "\(top) must be at least 1") }
        guard (0...16).contains(mapSeeds) else { throw JobError(.mapSeeds, "\(mapSeeds) must be 0...16") }
        guard seeds.count >= 5 else { throw JobError(.seeds, "names \(seeds.count) levels; ranking needs at least 5") }
        if let attribution { try ChannelAttribution.check(target: attribution) }
    }

    private func run(context: FigureContext, provenance: Provenance, to directory: String) throws -> ChannelRanking {
        try validate()
        let channelLayer = try ChannelLayer(layer, network: context.network)
        guard top <= channelLayer.channels else {
            throw JobError(.top, "\(top) must be 1...\(channelLayer.channels), the channel count of \(layer)")
        }
        let levels = seeds.map { context.generator.generate(seed: $0) }
        let withCheese = levels.filter { $0.cheese != nil }
        guard withCheese.count >= 5 else {
            throw JobError(.seeds, "gives \(withCheese.count) levels with cheese; ranking needs at least 5")
        }
        let folder = try RunFolder(directory, job: "channels", settings: settings,
                                   provenance: provenance.describing(seeds: RunSettings.seedsText(seeds)),
                                   existing: existing)
        defer { folder.abandonIfUnfinished() }
        let ranking = try ChannelRanking.measure(evaluator: context.evaluator, layer: channelLayer, levels: withCheese,
                                                 seed: randomSeed)
        var table = CSVTable(columns: Self.columns, rows: ranking.scores.map { score in
            [String(score.channel), String(score.rank), Self.number(score.fScore), Self.number(score.probeAccuracy),
             Self.number(score.meanDifference), Self.number(score.correlation), score.rank <= top ? "1" : "0"]
        })
        if let target = attribution {
            try writeAttribution(target: target, ranking: ranking, levels: withCheese, table: &table, context: context,
                                 to: directory)
        }
        do { try table.write(to: directory + "/" + Self.tableName) } catch { throw JobError("\(error)") }
        for ext in ["png", "svg"] {
            try rankingChart(ranking).write(to: "\(directory)/ranking.\(ext)", width: 720, height: 480)
        }
        let mapLevels = Array(withCheese.prefix(mapSeeds))
        if !mapLevels.isEmpty {
            // A figure holds at most `FigureTemplate.maximumPanels` panels: draw as many top channels as fit.
            let drawn = min(top, FigureTemplate.maximumPanels / mapLevels.count)
            let template = mapsTemplate(channels: ranking.top(drawn), levels: mapLevels)
            for ext in ["png", "svg"] { try FigureJobs.write(template, context: context, to: "\(directory)/maps.\(ext)") }
        }
        try folder.finish()
        return ranking
    }

    /// F score against rank, the top channels in a second colour with their indices as labels in the legend.
    func rankingChart(_ ranking: ChannelRanking) -> ScatterPlot {
        let all = ranking.scores
        let shown = all.map { $0.fScore.isFinite ? $0.fScore : 0 }
        let topNames = all.prefix(top).map { String($0.channel) }.joined(separator: ", ")
        var chart = ScatterPlot(title: "Cheese-location F score by channel, \(short(layer)) (\(ranking.levelCount) levels)",
                                xLabel: "channel rank", yLabel: "F score (cheese cell vs random cell)")
        chart.curves.append(.init(points: zip(all.indices, shown).map { (x: Double($0 + 1), y: $1) }, color: .gray))
        chart.series.append(.init(label: "other channels", x: all.indices.dropFirst(top).map { Double($0 + 1) },
                                  y: Array(shown.dropFirst(top)), color: Color(red: 0.45, green: 0.45, blue: 0.45), alpha: 0.9))
        chart.series.append(.init(label: "top \(top): \(topNames)", x: (1...min(top, all.count)).map(Double.init),
                                  y: Array(shown.prefix(top)), color: Color(red: 0.84, green: 0.15, blue: 0.16), alpha: 1))
        chart.yRange = 0...(Axis.paddedRange(shown).upperBound)
        return chart
    }

    /// Heat-map panels: one row per channel, one column per level; a red dot on each level's cheese.
    func mapsTemplate(channels: [Int], levels: [MazeState]) -> FigureTemplate {
        var panels: [PanelTemplate] = []
        for channel in channels {
            for level in levels {
                let seed = level.levelSeed ?? 0
                var panel = PanelTemplate(kind: .heatmap, seed: seed, title: "channel \(channel), seed \(seed)")
                panel.layer = layer
                panel.channel = channel
                panel.convention = HeatmapConvention.posts.rawValue
                panel.opacity = 0.6
                panel.marks = level.cheeseMaze.map { ["\($0.x),\($0.y)"] }
                panels.append(panel)
            }
        }
        return FigureTemplate(title: "Top cheese channels of \(short(layer)) (ranked over \(self.seeds.count) levels; red dot: cheese)",
                              panelSize: 240, columns: levels.count, panels: panels)
    }

    private func short(_ label: String) -> String {
        label.hasPrefix("embedder.") ? String(label.dropFirst("embedder.".count)) : label
    }

    /// Shortest round-trip text (`NumberText`); `inf`, `-inf`, `nan` for non-finite scores.
    static func number(_ value: Double) -> String { NumberText.shortest(value) }
}
