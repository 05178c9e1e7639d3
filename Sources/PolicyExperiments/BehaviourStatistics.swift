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

    /// The row of one level. Cost: one forward pass per move of the episode (batch 1), plus, with a decision
    /// square, one batch of `1 + coefficients.count` distributions and the cheese vectors' own passes.
    public func row(seed: Int32, evaluator: PolicyEvaluator, cheeseVector: CheeseVector) throws -> BehaviourRow {
        let maze = generator.generate(seed: seed)
        let n = maze.mazeDimension, edge = n - min(5, n)
        func inRegion(_ p: MazePoint) -> Bool { p.x >= edge && p.y >= edge }

        let rollout = try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator,
                                        maxSteps: maxSteps, selection: selection)
        let visited = rollout.steps.map(\.state.mouseMaze) + (rollout.reachedCheese ? [] : [rollout.finalState.mouseMaze])

        var row = BehaviourRow(
            seed: seed, mazeDimension: n, cheese: maze.cheeseMaze, decisionSquare: maze.decisionSquare,
            cheeseInTopRight: maze.cheeseMaze.map(inRegion), reachedCheese: rollout.reachedCheese,
            steps: rollout.reachedCheese ? rollout.steps.count : maxSteps, enteredTopRight: visited.contains(where: inRegion),
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

    /// The rows of `seeds`, computed on all cores, handed to `emit` in seed order as soon as each and all before
    /// it are done (so a caller can stream them to disk); memory holds only rows waiting for an earlier one.
    /// - Throws: the first error (in seed order) a level threw; rows before it have been emitted.
    public func rows(seeds: [Int32], evaluator: PolicyEvaluator, cheeseVector: @escaping CheeseVector,
                     parallel: Bool = true, emit: (BehaviourRow) throws -> Void) throws {
        let ordered = OrderedResults<BehaviourRow>()
        let work: @Sendable (Int) -> Void = { index in
            guard !ordered.isStopped else { return }
            ordered.store(Result { try self.row(seed: seeds[index], evaluator: evaluator, cheeseVector: cheeseVector) },
                          at: index)
        }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if parallel {
                DispatchQueue.concurrentPerform(iterations: seeds.count, execute: work)
            } else {
                for index in seeds.indices { work(index) }
            }
            done.signal()
        }
        var failure: (any Error)?
        for index in seeds.indices {
            do {
                try emit(try ordered.take(index).get())
            } catch {
                failure = error
                ordered.stop()
                break
            }
        }
        done.wait()
        if let failure { throw failure }
    }
}

/// Results stored by index from workers and taken in index order by one reader.
final class OrderedResults<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [Int: Result<Value, any Error>] = [:]
    private var stopped = false

    func store(_ result: Result<Value, any Error>, at index: Int) {
        condition.lock()
        defer { condition.unlock() }
        if !stopped { waiting[index] = result }
        condition.broadcast()
    }

    /// Blocks until the result at `index` is stored, and removes it.
    func take(_ index: Int) -> Result<Value, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while waiting[index] == nil { condition.wait() }
        return waiting.removeValue(forKey: index)!
    }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Drops what is stored and everything stored later.
    func stop() {
        condition.lock()
        stopped = true
        waiting = [:]
        condition.unlock()
    }
}
