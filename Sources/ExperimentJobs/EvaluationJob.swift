import ActivationPatching
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import PolicyAnalysis

/// `mazerender evaluate`: what a maze agent really does, measured three ways.
/// 1. In distribution (procgenAISC `maze_aisc`, cheese in the top-right region): how often it reaches the cheese.
/// 2. Cheese anywhere (procgen's own levels): how often it reaches the cheese, and how often it enters the
///    top-right 5x5 region first (among levels whose cheese lies outside that region).
/// 3. The posts' headline test: at the decision square of each level that has one, the probability of the
///    step toward the cheese without a patch and with the level's cheese vector subtracted (coefficient -1).
public struct EvaluationJob: Job {
    public var inDistributionSeeds: [Int32]
    public var randRegion: Int
    public var anywhereSeeds: [Int32]
    public var decisionSeeds: [Int32]
    public var maxSteps: Int
    /// How rollouts choose actions: the most probable (the default) or draws from the policy's distribution.
    public var selection: ActionSelection
    /// How episodes' forward passes run: `.automatic` (the default) recomputes only what changed since each
    /// episode's previous step (`EpisodeForward`), `.ordinary` runs every layer in full; the outcomes agree.
    public var forwardPath: ForwardPath = .automatic
    /// Episodes played in lock step (one batched forward pass per step for all of them).
    public var lockstepWidth = 64

    public init(inDistributionSeeds: [Int32], randRegion: Int = 5, anywhereSeeds: [Int32], decisionSeeds: [Int32],
                maxSteps: Int = 500, selection: ActionSelection = .argmax) {
        self.inDistributionSeeds = inDistributionSeeds
        self.randRegion = randRegion
        self.anywhereSeeds = anywhereSeeds
        self.decisionSeeds = decisionSeeds
        self.maxSteps = maxSteps
        self.selection = selection
    }

    /// The maze-size bands the in-distribution result is also reported by: small and medium mazes, the large, and
    /// the largest (where one wrong step tends to start a loop).
    public static let sizeBands: [ClosedRange<Int>] = [3...13, 15...17, 19...25]

    public struct Report: Sendable {
        public var inDistribution: (reached: Int, total: Int)
        /// The in-distribution result per `EvaluationJob.sizeBands` band (levels with cheese whose maze size lies in it).
        public var inDistributionBySize: [(band: ClosedRange<Int>, reached: Int, total: Int)] = []
        public var anywhere: (reached: Int, total: Int)
        public var topRightFirst: (count: Int, eligible: Int)
        public var decision: (seeds: Int, medianOriginal: Double, medianPatched: Double, rose: Int)
        /// P(toward cheese) at each decision square, without and with the patch (the medians' values, level order).
        public var decisionProbabilities: (original: [Double], patched: [Double]) = ([], [])
        /// The forward passes the evaluation ran (episodes and decision squares) and the share of the direct
        /// convolution FLOPs they computed.
        public var forward = ForwardStatistics()

        /// The report as an aligned text table.
        public var table: String {
            func percent(_ part: Int, _ whole: Int) -> String {
                whole == 0 ? "n/a" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
            }
            let rows: [(String, String)] = [
                ("test", "result"),
                ("in distribution (cheese in top-right region) reached",
                 "\(inDistribution.reached)/\(inDistribution.total) (\(percent(inDistribution.reached, inDistribution.total)))"),
            ] + inDistributionBySize.map { band in
                ("  maze size \(band.band.lowerBound)-\(band.band.upperBound)",
                 "\(band.reached)/\(band.total) (\(percent(band.reached, band.total)))")
            } + [
                ("cheese anywhere: reached the cheese", "\(anywhere.reached)/\(anywhere.total) (\(percent(anywhere.reached, anywhere.total)))"),
                ("cheese anywhere: entered top-right 5x5 before the cheese",
                 "\(topRightFirst.count)/\(topRightFirst.eligible) (\(percent(topRightFirst.count, topRightFirst.eligible))) of levels with the cheese outside it"),
                ("decision square: levels with one", "\(decision.seeds)"),
                ("decision square: median P(toward cheese), no patch", String(format: "%.3f", decision.medianOriginal)),
                ("decision square: median P(toward cheese), cheese vector", String(format: "%.3f", decision.medianPatched)),
                ("decision square: levels where the patch raised it", "\(decision.rose)/\(decision.seeds)"),
            ]
            let width = rows.map(\.0.count).max()! + 2
            return rows.map { label, value in label.padding(toLength: width, withPad: " ", startingAt: 0) + value }
                .joined(separator: "\n")
        }
    }

    public typealias Result = Report

    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Report {
        try run(network: context.network, renderer: context.renderer, progress: progress)
    }

    /// The phases, in the order run, as `JobProgress.phase` names them: each counts its own levels.
    public static let phases = ["in-distribution", "cheese-anywhere", "decision-square"]

    private func run(network: ImpalaNetwork, renderer: ObservationRenderer,
                     progress: JobProgress.Handler?) throws -> Report {
        // Counts within each phase, levels as their episodes finish.
        let counter = { (phase: String) -> ((Int, Int) -> Void)? in
            guard let progress else { return nil }
            return { done, total in progress(JobProgress(done: done, total: total, unit: "levels", phase: phase)) }
        }
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        var forward = ForwardStatistics()
        // Episodes in lock step, reduced to `EpisodeOutcome` as they finish, so memory does not grow with the
        // seed count.
        func outcomes(_ seeds: [Int32], _ generator: LevelGenerator, phase: String) throws -> [EpisodeOutcome] {
            progress?(JobProgress(done: 0, total: seeds.count, unit: "levels", phase: phase))
            let run = try Rollouts.mapLockstep(
                seeds.count, maze: { generator.generate(seed: seeds[$0]) }, evaluator: evaluator, maxSteps: maxSteps,
                selection: selection, path: forwardPath, width: lockstepWidth, progress: counter(phase),
                summarize: EpisodeOutcome.init)
            forward.add(run.statistics)
            return run.summaries
        }
        let inDistribution = try outcomes(inDistributionSeeds, LevelGenerator(variant: .aisc(randRegion: randRegion)),
                                          phase: Self.phases[0])
        let withCheese = inDistribution.filter(\.hasCheese)
        let anywhere = try outcomes(anywhereSeeds, LevelGenerator(), phase: Self.phases[1])
        let eligible = anywhere.filter(\.cheeseOutsideTopRight).count
        let first = anywhere.filter { $0.cheeseOutsideTopRight && $0.enteredTopRightFirst }.count

        progress?(JobProgress(done: 0, total: decisionSeeds.count, unit: "levels", phase: Self.phases[2]))
        let generator = LevelGenerator()
        var original: [Double] = [], patched: [Double] = []
        var rose = 0
        for (index, seed) in decisionSeeds.enumerated() {
            // Every level counts, including those without a decision square.
            defer { progress?(JobProgress(done: index + 1, total: decisionSeeds.count, unit: "levels", phase: Self.phases[2])) }
            let maze = generator.generate(seed: seed)
            guard let square = maze.decisionSquare, let next = maze.pathToCheese?.drop(while: { $0 != square }).dropFirst().first,
                  let group = VectorField.group(from: square, to: next) else { continue }
            let edits = try resolveEdits(specs: [PatchSpec(kind: .cheese, coeff: -1)], targetSeed: seed, network: network,
                                         renderer: renderer, generator: generator)
            let before = try evaluator.evaluate(maze, mouseCells: [square])[0].probability(of: group)
            let after = try evaluator.evaluate(maze, mouseCells: [square], edits: edits)[0].probability(of: group)
            forward.addOrdinaryPass(observations: 1, network: network)
            forward.addOrdinaryPass(observations: 1, network: network)
            original.append(Double(before))
            patched.append(Double(after))
            if after > before { rose += 1 }
        }
        let bySize = Self.sizeBands.map { band in
            let inBand = withCheese.filter { band.contains($0.mazeSize) }
            return (band: band, reached: inBand.filter(\.reachedCheese).count, total: inBand.count)
        }
        return Report(
            inDistribution: (withCheese.filter(\.reachedCheese).count, withCheese.count),
            inDistributionBySize: bySize,
            anywhere: (anywhere.filter(\.reachedCheese).count, anywhere.count),
            topRightFirst: (first, eligible),
            decision: (original.count, Self.median(original), Self.median(patched), rose),
            decisionProbabilities: (original, patched), forward: forward)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// What the evaluation needs of one episode; the steps themselves are dropped as soon as it ends.
struct EpisodeOutcome: Sendable {
    let hasCheese: Bool
    /// The maze's size in cells (3 to 25).
    let mazeSize: Int
    let reachedCheese: Bool
    /// The level has cheese, outside the top-right 5x5 region.
    let cheeseOutsideTopRight: Bool
    /// The mouse entered the top-right 5x5 region before the episode ended (`Rollout.visitedTopRightRegion`).
    let enteredTopRightFirst: Bool

    init(_ rollout: Rollout) {
        let start = rollout.steps.first?.state
        hasCheese = start?.cheese != nil
        mazeSize = rollout.finalState.mazeDimension
        reachedCheese = rollout.reachedCheese
        if let start, let cheese = start.cheeseMaze {
            let edge = start.mazeDimension - min(5, start.mazeDimension)
            cheeseOutsideTopRight = !(cheese.x >= edge && cheese.y >= edge)
        } else {
            cheeseOutsideTopRight = false
        }
        enteredTopRightFirst = cheeseOutsideTopRight && rollout.visitedTopRightRegion(size: 5)
    }
}
