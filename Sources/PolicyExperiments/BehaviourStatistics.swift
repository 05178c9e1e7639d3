import ActivationPatching
import Dispatch
import Foundation
import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis

/// The per-level experiment of procgen-tools' `experiments/statistics` (`gather_data.py`): play each level once,
/// measure the decision square with and without the cheese vector, compute the maze metrics.
public struct BehaviourStatistics: Sendable {
    /// The level's own cheese vector at `coefficient`, as activation edits (supplied by the caller, which knows
    /// how patch SPECs resolve).
    public typealias CheeseVector = @Sendable (_ seed: Int32, _ coefficient: Float) throws -> [ActivationEdit]

    public var generator: LevelGenerator
    public var maxSteps: Int
    public var selection: ActionSelection
    /// Cheese-vector coefficients (the first fills `p_cheese_patched`); at least one.
    public var coefficients: [Float]

    public init(generator: LevelGenerator = LevelGenerator(), maxSteps: Int = 256,
                selection: ActionSelection = .argmax, coefficients: [Float] = [-1]) {
        precondition(!coefficients.isEmpty, "at least one coefficient")
        self.generator = generator
        self.maxSteps = maxSteps
        self.selection = selection
        self.coefficients = coefficients
    }

    /// The row of one level, its episode played alone. Cost: one forward pass per move of the episode (batch 1),
    /// plus, with a decision square, one batch of `1 + coefficients.count` distributions and the cheese vectors'
    /// own passes.
    public func row(seed: Int32, evaluator: PolicyEvaluator, cheeseVector: CheeseVector) throws -> BehaviourRow {
        let maze = generator.generate(seed: seed)
        let rollout = try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator,
                                        maxSteps: maxSteps, selection: selection)
        return try row(seed: seed, maze: maze, episode: EpisodePath(rollout), evaluator: evaluator,
                       cheeseVector: cheeseVector)
    }

    /// What a row needs of a level's episode: whether it reached the cheese and the cells the mouse stood on.
    public struct EpisodePath: Sendable {
        public var reachedCheese: Bool
        /// Every cell the mouse stood on, the start first (the cheese's cell not included when it was reached).
        public var visited: [MazePoint]

        public init(_ rollout: Rollout) {
            reachedCheese = rollout.reachedCheese
            visited = rollout.steps.map(\.state.mouseMaze) + (rollout.reachedCheese ? [] : [rollout.finalState.mouseMaze])
        }
    }

    /// The row of level `seed` (`maze`, its start) given its episode.
    func row(seed: Int32, maze: MazeState, episode: EpisodePath, evaluator: PolicyEvaluator,
             cheeseVector: CheeseVector) throws -> BehaviourRow {
        let n = maze.mazeDimension, edge = n - min(5, n)
        func inRegion(_ p: MazePoint) -> Bool { p.x >= edge && p.y >= edge }
        let visited = episode.visited

        var row = BehaviourRow(
            seed: seed, mazeDimension: n, cheese: maze.cheeseMaze, decisionSquare: maze.decisionSquare,
            cheeseInTopRight: maze.cheeseMaze.map(inRegion), reachedCheese: episode.reachedCheese,
            steps: episode.reachedCheese ? visited.count : maxSteps, enteredTopRight: visited.contains(where: inRegion),
            pCheese: nil, pTopRight: nil,
            pCheesePatched: Array(repeating: nil, count: coefficients.count),
            pTopRightPatched: Array(repeating: nil, count: coefficients.count),
            metrics: MazeMetrics(maze).values)

        if let square = maze.decisionSquare,
           let towardCheese = maze.pathToCheese?.drop(while: { $0 != square }).dropFirst().first,
           let towardCorner = maze.shortestPath(from: square, to: maze.topRightCell)?.dropFirst().first,
           let cheeseGroup = VectorField.group(from: square, to: towardCheese),
           let cornerGroup = VectorField.group(from: square, to: towardCorner) {
            let plain = try evaluator.evaluate(maze, mouseCells: [square])[0]
            row.pCheese = Double(plain.probability(of: cheeseGroup))
            row.pTopRight = Double(plain.probability(of: cornerGroup))
            for (index, coefficient) in coefficients.enumerated() {
                let patched = try evaluator.evaluate(maze, mouseCells: [square],
                                                     edits: cheeseVector(seed, coefficient))[0]
                row.pCheesePatched[index] = Double(patched.probability(of: cheeseGroup))
                row.pTopRightPatched[index] = Double(patched.probability(of: cornerGroup))
            }
        }
        return row
    }

    /// The rows of `seeds`, handed to `emit` in seed order.
    ///
    /// With `parallel` (the default) the levels go in chunks of `chunkSize`: a chunk's episodes are played in lock
    /// step, `lockstepWidth` at a time (`Rollouts.mapLockstep`: batched passes that recompute only what changed
    /// since each episode's previous step, and no pass for an observation the episode has already seen), then
    /// its decision-square measurements run on all cores, and its rows are emitted. Without `parallel`, one
    /// level at a time with its episode played alone (`row(seed:evaluator:cheeseVector:)`). The episodes agree
    /// up to the last bits of the probabilities, which can flip an argmax only on a near-tie.
    /// Memory: one chunk's rows and `lockstepWidth` episodes.
    /// - Throws: the first error (in seed order); rows before its chunk have been emitted.
    public func rows(seeds: [Int32], evaluator: PolicyEvaluator, cheeseVector: @escaping CheeseVector,
                     parallel: Bool = true, chunkSize: Int = 256, lockstepWidth: Int = 64,
                     emit: (BehaviourRow) throws -> Void) throws {
        guard parallel else {
            for seed in seeds { try emit(try row(seed: seed, evaluator: evaluator, cheeseVector: cheeseVector)) }
            return
        }
        var start = 0
        while start < seeds.count {
            let chunk = Array(seeds[start..<min(seeds.count, start + max(1, chunkSize))])
            start += chunk.count
            let mazes = chunk.map { generator.generate(seed: $0) }
            let episodes = try Rollouts.mapLockstep(
                chunk.count, maze: { mazes[$0] }, evaluator: evaluator, maxSteps: maxSteps, selection: selection,
                width: lockstepWidth, summarize: EpisodePath.init).summaries
            let results = ChunkResults<BehaviourRow>(count: chunk.count)
            DispatchQueue.concurrentPerform(iterations: chunk.count) { k in
                results.store(Result {
                    try row(seed: chunk[k], maze: mazes[k], episode: episodes[k], evaluator: evaluator, cheeseVector: cheeseVector)
                }, at: k)
            }
            for result in results.all { try emit(try result.get()) }
        }
    }
}

/// One chunk's results, stored by index from concurrent workers.
private final class ChunkResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<Value, any Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func store(_ result: Result<Value, any Error>, at index: Int) {
        lock.lock()
        values[index] = result
        lock.unlock()
    }

    var all: [Result<Value, any Error>] { lock.withLock { values.map { $0! } } }
}
