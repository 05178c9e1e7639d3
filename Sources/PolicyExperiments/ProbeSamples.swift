import Foundation
import MazeSimulation
import PolicyAnalysis

/// One observation of the probing data set, as procgen-tools' `probing_gather.py` + `probing_postproc.py`
/// (`probe_data`) collect them: a level with a decision square, the policy's episode on it, and the state at the
/// **last** step of the episode at which the mouse stood on the decision square (the observation probed).
public struct ProbeSample: Sendable, Equatable {
    public var seed: Int32
    /// The state the policy saw at `step` (the mouse on the decision square).
    public var state: MazeState
    public var decisionSquare: MazePoint
    /// Index of that step in the episode (0 = the start).
    public var step: Int
    /// The episode ended by entering the cheese (procgen-tools' `did_get_cheese`: last reward > 0).
    public var reachedCheese: Bool

    public init(seed: Int32, state: MazeState, decisionSquare: MazePoint, step: Int, reachedCheese: Bool) {
        self.seed = seed
        self.state = state
        self.decisionSquare = decisionSquare
        self.step = step
        self.reachedCheese = reachedCheese
    }
}

/// Draws probe samples: levels in seed order, each played once; levels without a decision square and
/// episodes that never stand on it are skipped (procgen-tools re-draws a random level in the first case and
/// drops the episode in the second).
public struct ProbeSampling: Sendable {
    public var generator: LevelGenerator
    public var maxSteps: Int
    public var selection: ActionSelection

    /// procgen-tools plays 256 steps at most and samples actions from the policy.
    public init(generator: LevelGenerator = LevelGenerator(), maxSteps: Int = 256,
                selection: ActionSelection = .sample(seed: 0)) {
        self.generator = generator
        self.maxSteps = maxSteps
        self.selection = selection
    }

    /// What a collection examined.
    public struct Summary: Sendable, Equatable {
        public var samples: [ProbeSample]
        /// Seeds looked at (a prefix of the list).
        public var seedsExamined: Int
        public var withoutDecisionSquare: Int
        public var squareNeverVisited: Int
    }

    /// The sample of one level, or nil when it has no decision square or the episode never stands on it.
    /// Cost: one episode (one batch-1 forward pass per step).
    public func sample(seed: Int32, evaluator: PolicyEvaluator) throws -> ProbeSample? {
        let maze = generator.generate(seed: seed)
        guard let square = maze.decisionSquare else { return nil }
        let rollout = try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator,
                                        maxSteps: maxSteps, selection: selection)
        guard let index = rollout.steps.lastIndex(where: { $0.state.mouseMaze == square }) else { return nil }
        return ProbeSample(seed: seed, state: rollout.steps[index].state, decisionSquare: square, step: index,
                           reachedCheese: rollout.reachedCheese)
    }

    /// Plays `seeds` in order until `count` samples are found (all of the list's when nil): the levels of a block
    /// of seeds that have a decision square are played together (`Rollouts.playLockstep`, one batched forward
    /// pass per step). The result depends only on the seeds, `count` and the settings (not on scheduling); it is
    /// the batch-1 `sample(seed:evaluator:)` episode up to float rounding of the probabilities.
    /// - Parameter progress: called after each block with (samples so far, seeds examined).
    public func collect(seeds: [Int32], count: Int?, evaluator: PolicyEvaluator, blockSize: Int = 256,
                        progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        var summary = Summary(samples: [], seedsExamined: 0, withoutDecisionSquare: 0, squareNeverVisited: 0)
        let wanted = count ?? Int.max
        var start = 0
        while start < seeds.count, summary.samples.count < wanted {
            // Enough seeds for about one block of levels with a decision square (about half have one).
            var block: [(seed: Int32, maze: MazeState, square: MazePoint?)] = []
            var withSquare = 0
            while start + block.count < seeds.count, withSquare < max(1, blockSize) {
                let seed = seeds[start + block.count]
                let maze = generator.generate(seed: seed)
                let square = maze.decisionSquare
                if square != nil { withSquare += 1 }
                block.append((seed, maze, square))
            }
            let playable = block.filter { $0.square != nil }
            let rollouts = try Rollouts.playLockstep(playable.map(\.maze), evaluator: evaluator, maxSteps: maxSteps,
                                                     selection: selection)
            var next = 0
            for entry in block {
                guard summary.samples.count < wanted else { break }
                summary.seedsExamined += 1
                guard let square = entry.square else {
                    summary.withoutDecisionSquare += 1
                    continue
                }
                let rollout = rollouts[next]
                next += 1
                guard let index = rollout.steps.lastIndex(where: { $0.state.mouseMaze == square }) else {
                    summary.squareNeverVisited += 1
                    continue
                }
                summary.samples.append(ProbeSample(seed: entry.seed, state: rollout.steps[index].state, decisionSquare: square,
                                                   step: index, reachedCheese: rollout.reachedCheese))
            }
            start += block.count
            progress?(summary.samples.count, summary.seedsExamined)
        }
        return summary
    }
}
