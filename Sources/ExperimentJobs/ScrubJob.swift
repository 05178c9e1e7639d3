import CairoGraphics
import Charts
import Foundation
import ImpalaPolicy
import JobSupport
import OutputFiles
import PolicyAnalysis
import PolicyExperiments

/// `mazerender scrub`: causal scrubbing of channel maps at the decision square (`ChannelScrubbing`) over the
/// seeds that have one, written into a folder:
/// - `scrub.csv`: one row per trial (seed × sample × location × channel set), see `columns`: the cell the
///   sources' cheese was put on in the target level's maze cells (`cheese_x`, `cheese_y`; outside the target's
///   maze when that cell lies in its padding) and in world cells (`cheese_world_x`, `cheese_world_y`), per
///   channel its source level (`source_seeds`) and the maze cell of that level its mouse was put on
///   (`source_mice`, `x:y`), so every source observation can be rebuilt. Reals in shortest round-trip text
///   (`NumberText`): the summary recomputes from this file exactly;
/// - `summary.csv` and `summary.md`: per condition, trials, greedy-action changes, mean and median change
///   (`summary.md` and `summary.json` with n and 95 % intervals: Wilson for rates, seeded bootstrap otherwise);
/// - `scatter.png` / `.svg`: per (seed, sample), the change with same-location sources (x) against the change
///   with different-location sources (y), chosen channels and the random control, with y = x.
public struct ScrubJob: Job {
    public var seeds: [Int32]
    public var layer: String
    /// `--channels` as written; nil for the model's own top cheese channels.
    public var channels: String?
    public var samples: Int
    public var randomSeed: UInt64
    /// Levels the resampled maps come from (`--pool`).
    public var pool: [Int32]

    /// The output folder, and what to do when it holds an earlier run.
    public var out: String
    public var existing: ExistingOutput

    public init(seeds: [Int32], layer: String = ChannelLayer.defaultLabel, channels: String? = nil, samples: Int = 1,
                randomSeed: UInt64 = 0, pool: [Int32] = ScrubJob.defaultPool, out: String,
                existing: ExistingOutput = .refuse) {
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.layer = layer
        self.channels = channels
        self.samples = samples
        self.randomSeed = randomSeed
        self.pool = pool
    }

    /// 20,000 levels from seed 1,000,000: apart from the seeds experiments usually run on.
    public static let defaultPool: [Int32] = Array(1_000_000..<1_020_000)

    public static let columns = [
        "seed", "sample", "location", "channel_set", "channels", "cheese_x", "cheese_y", "cheese_world_x", "cheese_world_y",
        "source_seeds",
        "original_action", "patched_action", "action_changed", "change",
    ] + ActionGroup.allCases.map { "original_p_\($0.rawValue)" } + ActionGroup.allCases.map { "patched_p_\($0.rawValue)" }
        + ["source_mice"]

    /// The most trials one run keeps in memory (and in one CSV), as `--seeds` count × `--samples`.
    public static let maximumSeedSamples = 500_000

    /// What a run produced, for the command's report.
    public struct Result: Sendable {
        public var choice: ChannelChoice
        public var trials: [ScrubTrial]
        public var summary: ScrubSummary
        /// Seeds with a decision square (scrubbed) and without (skipped).
        public var scrubbedSeeds: Int
        public var skippedSeeds: Int
        public var poolSeconds: Double
        public var trialSeconds: Double
    }

    /// Runs every seed and writes `out`, reporting seeds done.
    /// - Throws: `JobError` / `ChannelChoiceError` / `ScrubError` (one line each), forward and output errors.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        try run(evaluator: context.evaluator, provenance: context.provenance, to: out,
                progress: JobProgress.counter(progress, unit: "seeds"))
    }

    /// The settings `run.json` records.
    public var settings: JSONValue {
        .object([("seeds", RunSettings.seeds(seeds)), ("layer", .string(layer)),
                 ("channels", channels.map { .string($0) } ?? .null), ("samples", .int(samples)),
                 ("random_seed", .string(String(randomSeed))), ("pool", RunSettings.seeds(pool))])
    }

    /// The checks that need no network (front ends call it before loading one; `run` calls it too).
    public func validate() throws(JobError) {
        guard !seeds.isEmpty else { throw JobError(.seeds, "is empty") }
        guard (1...1000).contains(samples) else { throw JobError(.samples, "\(samples) must be 1...1000") }
        guard seeds.count * samples <= Self.maximumSeedSamples else {
            throw JobError(.seeds, "(\(seeds.count)) × \(setting: .samples) (\(samples)) is over \(Self.maximumSeedSamples); split the seeds into several runs")
        }
        guard pool.count >= 100 else { throw JobError(.pool, "names \(pool.count) levels; give at least 100 (e.g. 1000000..<1020000)") }
    }

    private func run(evaluator: PolicyEvaluator, provenance: Provenance, to directory: String,
                     progress: ((Int, Int) -> Void)?) throws -> Result {
        try validate()
        let channelLayer = try ChannelLayer(layer, network: evaluator.network)
        let choice = try ChannelChoice.resolve(channels, layer: channelLayer, evaluator: evaluator)
        guard choice.channels.count * 2 <= channelLayer.channels else {
            throw ScrubError.noRoomForControl(chosen: choice.channels.count, channels: channelLayer.channels)
        }
        let folder = try RunFolder(directory, job: "scrub", settings: settings,
                                   provenance: provenance.describing(seeds: RunSettings.seedsText(seeds)),
                                   existing: existing)
        defer { folder.abandonIfUnfinished() }

        let poolStart = Date()
        let scrubbing = ChannelScrubbing(evaluator: evaluator, layer: channelLayer, pool: LevelCellIndex(seeds: pool))
        let trialStart = Date()
        var trials: [ScrubTrial] = [], skipped = 0
        for (index, seed) in seeds.enumerated() {
            if let found = try scrubbing.trials(seed: seed, chosen: choice.channels, samples: samples, randomSeed: randomSeed) {
                trials += found
            } else {
                skipped += 1
            }
            progress?(index + 1, seeds.count)
        }
        let trialSeconds = Date().timeIntervalSince(trialStart)
        guard !trials.isEmpty else { throw JobError("none of \(setting: .seeds) has a decision square; give more seeds") }
        let summary = ScrubSummary(trials)
        do {
            try CSVTable(columns: Self.columns, rows: trials.map(Self.row)).write(to: directory + "/scrub.csv")
            try CSVTable(columns: ["location", "channel_set", "channels", "trials", "action_changed", "change_rate",
                                  "mean_change", "median_change"],
                         rows: summary.rows.map { row in
                             [row.location.rawValue, row.channelSet.rawValue, row.channelSet == .chosen ? choice.name : "random",
                              String(row.trials), String(row.actionChanged), NumberText.shortest(row.changeRate),
                              NumberText.shortest(row.meanChange), NumberText.shortest(row.medianChange)]
                         }).write(to: directory + "/summary.csv")
            try OutputFile.write(text: report(choice: choice, summary: summary, scrubbed: seeds.count - skipped, skipped: skipped),
                                 to: directory + "/summary.md")
            try OutputFile.write(try IntervalSummary.json(Self.intervals(summary, channelsName: choice.name)),
                                 to: directory + "/summary.json")
        } catch { throw JobError("\(error)") }
        for ext in ["png", "svg"] {
            try scatter(trials, choice: choice).write(to: "\(directory)/scatter.\(ext)", width: 640, height: 600)
        }
        try folder.finish()
        return Result(choice: choice, trials: trials, summary: summary, scrubbedSeeds: seeds.count - skipped,
                      skippedSeeds: skipped, poolSeconds: trialStart.timeIntervalSince(poolStart), trialSeconds: trialSeconds)
    }

    /// `summary.json`: per condition (`location/channels`) the change rate, mean and median change with n and
    /// their intervals, and the share of pairs above y = x per channel set.
    static func intervals(_ summary: ScrubSummary, channelsName: String) -> IntervalSummary {
        var result = IntervalSummary()
        for row in summary.rows {
            let name = "\(row.location.rawValue)/\(row.channelSet == .chosen ? channelsName : "random")"
            result.entries.append(.init(quantity: "\(name): greedy action changed", n: row.trials,
                                        successes: row.actionChanged, rate: row.changeRateInterval))
            result.entries.append(.init(quantity: "\(name): change", n: row.meanChangeInterval.n,
                                        mean: row.meanChangeInterval, median: row.medianChangeInterval))
        }
        for (set, share) in zip(ScrubChannels.allCases, summary.differentExceedsSameIntervals) {
            let name = set == .chosen ? channelsName : "random"
            result.entries.append(.init(quantity: "\(name): different-location change > same-location change", n: share.n,
                                        successes: share.n == 0 ? 0 : Int((share.estimate * Double(share.n)).rounded()), rate: share))
        }
        return result
    }

    static func row(_ trial: ScrubTrial) -> [String] {
        [String(trial.seed), String(trial.sample), trial.location.rawValue, trial.channelSet.rawValue,
         trial.channels.map(String.init).joined(separator: "+"), String(trial.cheeseMaze.x), String(trial.cheeseMaze.y),
         String(trial.cheeseCell.x), String(trial.cheeseCell.y),
         trial.sourceSeeds.map(String.init).joined(separator: "+"), trial.originalAction.rawValue,
         trial.patchedAction.rawValue, trial.actionChanged ? "1" : "0", NumberText.shortest(trial.change)]
            + trial.original.map { NumberText.shortest($0) } + trial.patched.map { NumberText.shortest($0) }
            + [trial.sourceMiceMaze.map { "\($0.x):\($0.y)" }.joined(separator: "+")]
    }

    /// procgen-tools' scatter: same-location change (x) against different-location change (y) per seed and sample.
    func scatter(_ trials: [ScrubTrial], choice: ChannelChoice) -> ScatterPlot {
        func pairs(_ set: ScrubChannels) -> (x: [Double], y: [Double]) {
            var same: [String: Double] = [:], different: [String: Double] = [:]
            for trial in trials where trial.channelSet == set {
                let key = "\(trial.seed)/\(trial.sample)"
                if trial.location == .same { same[key] = trial.change } else { different[key] = trial.change }
            }
            let keys = same.keys.filter { different[$0] != nil }.sorted()
            return (keys.map { same[$0]! }, keys.map { different[$0]! })
        }
        let chosen = pairs(.chosen), control = pairs(.random)
        let top = max(0.01, (chosen.x + chosen.y + control.x + control.y).max() ?? 0) * 1.05
        var chart = ScatterPlot(title: "Resampling \(short(layer)) maps at the decision square",
                                xLabel: "TV change, from mazes with the same cheese cell",
                                yLabel: "TV change, from mazes with the cheese elsewhere",
                                xRange: 0...top, yRange: 0...top)
        // Many points overlap: fade them as the count grows. Legends say how often y > x (the contrast helps more).
        let alpha = chosen.x.count > 1000 ? 0.3 : chosen.x.count > 200 ? 0.5 : 0.7
        func above(_ pairs: (x: [Double], y: [Double])) -> String {
            let count = zip(pairs.x, pairs.y).filter { $1 > $0 }.count
            return String(format: "%.0f%% above y = x", 100 * Double(count) / Double(max(1, pairs.x.count)))
        }
        chart.series.append(.init(label: "\(choice.channels.count) random channels (control): \(above(control))",
                                  x: control.x, y: control.y, color: Color(red: 0.12, green: 0.47, blue: 0.71), alpha: alpha))
        chart.series.append(.init(label: "channels \(choice.name): \(above(chosen))", x: chosen.x, y: chosen.y,
                                  color: Color(red: 0.84, green: 0.15, blue: 0.16), alpha: alpha))
        chart.curves.append(.init(label: "y = x", points: [(x: 0, y: 0), (x: top, y: top)], color: .gray))
        return chart
    }

    func report(choice: ChannelChoice, summary: ScrubSummary, scrubbed: Int, skipped: Int) -> String {
        """
        # Causal scrubbing at the decision square

        Layer `\(layer)`, channels `\(choice.name)` (\(choice.channels.map(String.init).joined(separator: ", "))); \
        \(scrubbed) seeds with a decision square (\(skipped) of `--seeds` have none), \(samples) sample(s) each, \
        random seed \(randomSeed), source pool of \(pool.count) levels.

        \(summary.markdown(channelsName: choice.name))
        Change: total-variation distance between the 5-way grouped action distributions (LEFT, DOWN, UP, RIGHT, \
        NOOP) before and after resampling; greedy action: the most probable group. procgen-tools' notebook paired \
        the first 5 of the 15 raw probabilities with these names; the groups here sum the 15 properly.

        """
    }

    private func short(_ label: String) -> String {
        label.hasPrefix("embedder.") ? String(label.dropFirst("embedder.".count)) : label
    }
}
