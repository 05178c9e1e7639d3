import Attribution
import CairoGraphics
import Charts
import FigureJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments
import PolicyGradients

/// The channels of a layer ranked by their mean attribution at the decision square over many levels (issue 25's
/// "across levels": automatic discovery of the cheese channels), beside `ChannelRanking`'s F-score ranking.
///
/// Per level with a decision square: the mouse is put on the decision square, and the target's gradient at the
/// site times the site's activation (`AttributionMethod.gradientTimesInput`, one forward and one backward pass,
/// plus one forward pass for the activation; batch 1, as `mazerender attribute --method gradient-x-input`
/// computes it) is summed over each channel's map (in Double). The means over levels rank the channels by
/// |mean|, largest first, ties by channel index.
///
/// Target `toward-cheese` (the default of the CLI's `--attribution`): per level, the grouped action of the first
/// step from the decision square along the shortest path to the cheese (`VectorField.group(from:to:)`), its
/// probability (softmax summed over the group). Any `GradientTarget` text (`up`, `log:left`, `logit:7`, `value`)
/// is the same target on every level.
public struct ChannelAttribution: Sendable, Equatable {
    /// The target text `toward-cheese`.
    public static let towardCheese = "toward-cheese"

    /// Mean attribution per channel, indexed by channel.
    public let means: [Double]
    /// Rank per channel (1 = largest |mean|), indexed by channel.
    public let ranks: [Int]
    /// Levels measured (those with a decision square), and levels left out for having none.
    public let levelCount: Int
    public let skippedCount: Int
    /// The target as given.
    public let target: String

    /// Channels best first.
    public var order: [Int] { ranks.indices.sorted { ranks[$0] < ranks[$1] } }

    /// Checks the target text. - Throws: `JobError(.attribution)`.
    public static func check(target: String) throws(JobError) {
        guard target != towardCheese else { return }
        do { _ = try GradientTarget(parsing: target) } catch {
            throw JobError(.attribution, "'\(target)' is not a target: use \(towardCheese) (the step toward the cheese "
                + "at the decision square), left, down, up, right, noop, log:GROUP, logit:K or value")
        }
    }

    /// The target at `maze`'s decision square, or nil when the level has none (or its path leaves no step).
    static func gradientTarget(_ target: String, maze: MazeState) throws -> (square: MazePoint, target: GradientTarget)? {
        guard let square = maze.decisionSquare else { return nil }
        if target == towardCheese {
            guard let next = maze.pathToCheese?.drop(while: { $0 != square }).dropFirst().first,
                  let group = VectorField.group(from: square, to: next) else { return nil }
            return (square, .probability(group))
        }
        return (square, try GradientTarget(parsing: target))
    }

    /// The per-channel attribution totals of one level (mouse on its decision square), in Double; nil when the
    /// level has no decision square. Cost: two forward passes and one backward pass, batch 1.
    public static func channelTotals(maze: MazeState, target: String, layer: String, network: ImpalaNetwork,
                                     renderer: ObservationRenderer) throws -> [Double]? {
        guard let (square, gradientTarget) = try gradientTarget(target, maze: maze) else { return nil }
        var placed = maze
        try placed.placeMouse(at: square)
        let observation = renderer.networkInput(for: [placed])
        let result = try Attributor(network: network).attribute(gradientTarget, observation: observation,
                                                                 variable: .activation(layer), method: .gradientTimesInput)
        let channels = result.attribution.shape[0], cells = result.attribution.count / max(1, channels)
        return result.attribution.scalars.withUnsafeBufferPointer { values in
            (0..<channels).map { c in values[(c * cells)..<((c + 1) * cells)].reduce(0.0) { $0 + Double($1) } }
        }
    }

    /// Measures `levels` (each as given; the mouse goes to its decision square).
    /// - Throws: `JobError(.seeds)` when no level has a decision square; gradient errors.
    public static func measure(levels: [MazeState], target: String, layer: String, channels: Int, network: ImpalaNetwork,
                               renderer: ObservationRenderer, progress: ((Int) -> Void)? = nil) throws -> ChannelAttribution {
        try check(target: target)
        var sums = [Double](repeating: 0, count: channels)
        var measured = 0, skipped = 0
        for (index, level) in levels.enumerated() {
            if let totals = try channelTotals(maze: level, target: target, layer: layer, network: network, renderer: renderer) {
                for c in 0..<min(channels, totals.count) { sums[c] += totals[c] }
                measured += 1
            } else {
                skipped += 1
            }
            progress?(index + 1)
        }
        guard measured > 0 else {
            throw JobError(.seeds, "gives no level with a decision square (of \(levels.count) with cheese); attribution needs one")
        }
        let means = sums.map { $0 / Double(measured) }
        return ChannelAttribution(means: means, target: target, levelCount: measured, skippedCount: skipped)
    }

    /// Ranks `means` by |mean|, largest first, ties by channel.
    public init(means: [Double], target: String, levelCount: Int, skippedCount: Int) {
        self.means = means
        self.target = target
        self.levelCount = levelCount
        self.skippedCount = skippedCount
        let order = means.indices.sorted { abs(means[$0]) != abs(means[$1]) ? abs(means[$0]) > abs(means[$1]) : $0 < $1 }
        var ranks = [Int](repeating: 0, count: means.count)
        for (position, channel) in order.enumerated() { ranks[channel] = position + 1 }
        self.ranks = ranks
    }

    // MARK: - Comparison with the F-score ranking

    /// Spearman's rank correlation of two rankings of the same channels (ranks 1...n, no ties):
    /// `1 − 6 Σ d² / (n (n² − 1))`; nil for fewer than 2 channels.
    public static func spearman(_ first: [Int], _ second: [Int]) -> Double? {
        let n = Double(first.count)
        guard first.count >= 2, first.count == second.count else { return nil }
        let squares = zip(first, second).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        return 1 - 6 * squares / (n * (n * n - 1))
    }

    /// How this ranking compares with the F-score ranking.
    public struct Comparison: Sendable, Equatable {
        /// Spearman's rank correlation over every channel.
        public var spearman: Double
        /// K, the top sets of each ranking, and the channels in both.
        public var top: Int
        public var topByFScore: [Int]
        public var topByAttribution: [Int]
        public var shared: [Int]
    }

    public func compare(with ranking: ChannelRanking, top: Int) -> Comparison {
        var fRanks = [Int](repeating: 0, count: ranks.count)
        for score in ranking.scores where score.channel < fRanks.count { fRanks[score.channel] = score.rank }
        let byF = ranking.top(top), byAttribution = Array(order.prefix(top))
        return Comparison(spearman: Self.spearman(fRanks, ranks) ?? .nan, top: top, topByFScore: byF,
                          topByAttribution: byAttribution, shared: byF.filter(byAttribution.contains))
    }

    /// The summary section: `## Attribution ranking against the F-score ranking`, the method, the Spearman
    /// correlation (shortest round-trip text) and the top-K overlap.
    public func markdown(comparing comparison: Comparison, layer: String) -> String {
        let list = { (channels: [Int]) in channels.map(String.init).joined(separator: ", ") }
        let targetText = target == Self.towardCheese
            ? "the probability of the first step toward the cheese (the grouped action of the shortest path's next cell)"
            : "`\(target)`"
        var text = "## Attribution ranking against the F-score ranking\n\n"
        text += "Attribution: gradient × activation at \(layer) of \(targetText), mouse on the decision square, summed "
            + "over each channel's map and averaged over \(levelCount) levels"
            + (skippedCount > 0 ? " (\(skippedCount) without a decision square left out)" : "")
            + "; channels ranked by |mean| (`attribution_mean`, `attribution_rank` in channels.csv).\n\n"
        text += "- Spearman rank correlation (F-score rank vs attribution rank, \(ranks.count) channels): "
            + "\(comparison.spearman)\n"
        text += "- Top \(comparison.top) by F score: \(list(comparison.topByFScore))\n"
        text += "- Top \(comparison.top) by attribution: \(list(comparison.topByAttribution))\n"
        text += "- In both: \(comparison.shared.count) of \(comparison.top)"
            + (comparison.shared.isEmpty ? "" : " (\(list(comparison.shared)))") + "\n"
        return text
    }

    /// Mean attribution against attribution rank, the top channels in a second colour (the F-score plot's
    /// conventions).
    func chart(layer: String, top: Int) -> ScatterPlot {
        let sorted = order.map { means[$0] }
        let topNames = order.prefix(top).map(String.init).joined(separator: ", ")
        let site = layer.hasPrefix("embedder.") ? String(layer.dropFirst("embedder.".count)) : layer
        var chart = ScatterPlot(title: "Mean attribution at the decision square, \(site) (\(levelCount) levels)",
                                xLabel: "channel rank (by |mean attribution|)", yLabel: "mean gradient × activation")
        chart.curves.append(.init(points: sorted.indices.map { (x: Double($0 + 1), y: sorted[$0]) }, color: .gray))
        chart.series.append(.init(label: "other channels", x: sorted.indices.dropFirst(top).map { Double($0 + 1) },
                                  y: Array(sorted.dropFirst(top)), color: Color(red: 0.45, green: 0.45, blue: 0.45), alpha: 0.9))
        chart.series.append(.init(label: "top \(top): \(topNames)", x: (1...max(1, min(top, sorted.count))).map(Double.init),
                                  y: Array(sorted.prefix(top)), color: Color(red: 0.84, green: 0.15, blue: 0.16), alpha: 1))
        return chart
    }

    /// Shortest round-trip text of a mean (Swift's `description`: `0.1`, `-2.5e-05`, `nan`).
    static func number(_ value: Double) -> String { value.description }

    /// `table` (channels.csv, one row per channel) with `attribution_mean` and `attribution_rank` added.
    func addColumns(to table: inout CSVTable) {
        guard let channelColumn = table.columns.firstIndex(of: "channel") else { return }
        table.columns += ["attribution_mean", "attribution_rank"]
        for index in table.rows.indices {
            guard let channel = Int(table.rows[index][channelColumn]), means.indices.contains(channel) else {
                table.rows[index] += ["", ""]
                continue
            }
            table.rows[index] += [Self.number(means[channel]), String(ranks[channel])]
        }
    }
}

extension ChannelsJob {
    /// The file the comparison of the two rankings goes to (written only with `attribution`).
    public static let summaryName = "summary.md"

    /// `run.json`'s record of the attribution setting (nothing when it is not set).
    var attributionSettings: [(String, JSONValue)] {
        attribution.map { [("attribution", .string($0)), ("attribution_method", .string("gradient-x-input"))] } ?? []
    }

    /// Measures the attribution ranking over `levels`, adds its columns to `table`, writes `attribution.png` /
    /// `.svg` and `summary.md`. - Returns: the ranking and its comparison with the F-score ranking.
    @discardableResult
    func writeAttribution(target: String, ranking: ChannelRanking, levels: [MazeState], table: inout CSVTable,
                          context: FigureContext, to directory: String) throws -> (ChannelAttribution, ChannelAttribution.Comparison) {
        let channels = try ChannelLayer(layer, network: context.network).channels
        let attribution = try ChannelAttribution.measure(levels: levels, target: target, layer: layer, channels: channels,
                                                         network: context.network, renderer: context.renderer)
        attribution.addColumns(to: &table)
        let comparison = attribution.compare(with: ranking, top: top)
        for ext in ["png", "svg"] {
            try attribution.chart(layer: layer, top: top).write(to: "\(directory)/attribution.\(ext)", width: 720, height: 480)
        }
        let text = "# channels: \(layer), \(ranking.levelCount) levels\n\n" + attribution.markdown(comparing: comparison, layer: layer)
        do { try OutputFile.write(text: text, to: directory + "/" + Self.summaryName) } catch { throw JobError("\(error)") }
        return (attribution, comparison)
    }
}
