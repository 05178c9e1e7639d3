import Foundation
import ImpalaPolicy
import MazeSimulation

/// A policy variant to roll out: a name for captions and the activation edits applied at every step.
public struct RolloutVariant: Sendable {
    public let name: String
    public let edits: [ActivationEdit]

    public init(name: String, edits: [ActivationEdit] = []) {
        self.name = name
        self.edits = edits
    }
}

/// How an action is chosen from the policy's distribution.
public enum ActionSelection: Hashable, Sendable {
    /// The most probable of the 15 actions (the first on ties).
    case argmax
    /// A draw from the 15-way distribution; each episode has its own generator derived from this seed, the
    /// level seed and the variant's index, so results do not depend on scheduling.
    case sample(seed: UInt32)

    /// `.argmax`, or `.sample(seed:)` when a sampling seed is given (the `sample` setting).
    public init(sampleSeed: UInt32?) {
        self = sampleSeed.map { .sample(seed: $0) } ?? .argmax
    }
}

/// One step of an episode: the state the policy saw, what it output and what it did.
public struct RolloutStep: Sendable {
    public let state: MazeState
    public let distribution: ActionDistribution
    public let action: MazeAction
    public let reward: Float
}

/// One episode of one variant on one level.
public struct Rollout: Sendable {
    public enum Ending: String, Sendable {
        /// The mouse entered the cheese (reward 10).
        case cheese
        /// procgen's 500-step limit.
        case timeout
        /// The requested step limit (written `step_limit`, like every JSON value mazerender writes).
        case stepLimit = "step_limit"
        /// An argmax episode came back to a state it had been in (same cell and facing, the cheese still there):
        /// from there it repeats the same moves until procgen's timeout, so it was stopped (`loopStart`).
        case loop
    }

    public let seed: Int32
    public let variant: String
    public let steps: [RolloutStep]
    /// The state after the last step (the cheese already eaten when `ending == .cheese`).
    public let finalState: MazeState
    public let ending: Ending
    /// For `ending == .loop`: the index of the step whose state `finalState` repeats (the loop is
    /// `steps[loopStart...]`, `steps.count - loopStart` moves long); nil otherwise.
    public let loopStart: Int?

    public init(seed: Int32, variant: String, steps: [RolloutStep], finalState: MazeState, ending: Ending,
                loopStart: Int? = nil) {
        self.seed = seed
        self.variant = variant
        self.steps = steps
        self.finalState = finalState
        self.ending = ending
        self.loopStart = ending == .loop ? loopStart : nil
    }

    public var reachedCheese: Bool { ending == .cheese }

    /// Whether the mouse entered the top-right `size`x`size` region of the maze before the episode ended.
    public func visitedTopRightRegion(size: Int = 5) -> Bool {
        let n = finalState.mazeDimension, edge = n - min(size, n)
        return (steps.map(\.state) + [finalState]).contains { $0.mouseMaze.x >= edge && $0.mouseMaze.y >= edge }
    }
}

/// Plays policies on levels.
public enum Rollouts {
    /// Plays `variant` on `maze` from its current state until the cheese, procgen's timeout or `maxSteps`.
    /// Each step renders the observation, runs one forward pass (batch 1, so patches act exactly as on a
    /// single environment) and applies the action with procgen's dynamics. A step whose observation equals an
    /// earlier step's, pixel for pixel, reuses that step's outputs instead of a pass (batch-independent edits
    /// only; the numbers are the same either way; `remembersObservations: false` runs every pass, as benchmarks
    /// of the earlier behaviour do).
    ///
    /// With `endOnLoop` an argmax episode also ends (`.loop`) when it reaches a state it was in before: the
    /// observation, and so the batch-1 policy's choice, depends only on the walls, the cheese and the mouse's
    /// cell and facing, so from there the episode would repeat the same moves until the timeout. Sampled
    /// episodes never end this way (a repeated state need not repeat its draw).
    public static func play(
        _ maze: MazeState, variant: RolloutVariant, variantIndex: Int = 0, evaluator: PolicyEvaluator,
        maxSteps: Int = 256, selection: ActionSelection = .argmax, endOnLoop: Bool = false,
        remembersObservations: Bool = true
    ) throws -> Rollout {
        var state = maze
        var generator = episodeGenerator(maze, variantIndex: variantIndex, selection: selection)
        var steps: [RolloutStep] = []
        var ending = Rollout.Ending.stepLimit
        let detectsLoops = endOnLoop && generator == nil
        var seen: [LoopKey: Int] = [:]
        var loopStart: Int?
        // Outputs by observation: a step that sees an earlier step's pixels again takes that step's outputs (the
        // same batch-1 pass on the same input, so the same numbers) without a pass.
        let remembers = remembersObservations && variant.edits.allSatisfy(\.batchIndependent)
        var memory: [ObservationDigest: ActionDistribution] = [:]
        while steps.count < maxSteps {
            if detectsLoops {
                let key = LoopKey(state)
                if let first = seen[key] { ending = .loop; loopStart = first; break }
                seen[key] = steps.count
            }
            let input = evaluator.input(for: [state])
            let distribution: ActionDistribution
            if remembers {
                let digest = input.withUnsafeBufferPointer { ObservationDigest($0) }
                if let known = memory[digest] {
                    distribution = known
                } else {
                    distribution = ActionDistribution.split(try evaluator.network.forward(input, edits: variant.edits))[0]
                    memory[digest] = distribution
                }
            } else {
                distribution = ActionDistribution.split(try evaluator.network.forward(input, edits: variant.edits))[0]
            }
            let index: Int
            if var random = generator {
                index = sample(distribution.actions, using: &random)
                generator = random
            } else {
                index = distribution.argmaxAction
            }
            let action = MazeAction(rawValue: index) ?? .noop
            let before = state
            state.stepCount += 1
            let reward = state.applyMove(action)
            steps.append(RolloutStep(state: before, distribution: distribution, action: action, reward: reward))
            if reward > 0 { ending = .cheese; break }
            if state.stepCount >= MazeState.timeout { ending = .timeout; break }
        }
        return Rollout(seed: maze.levelSeed ?? -1, variant: variant.name, steps: steps, finalState: state, ending: ending,
                       loopStart: loopStart)
    }

    /// What a deterministic policy's next move depends on besides the fixed walls: the mouse's cell and facing and
    /// whether the cheese is still there (its place never changes within an episode).
    struct LoopKey: Hashable {
        let mouse: WorldPoint, facing: Facing, cheese: Bool
        init(_ state: MazeState) {
            mouse = state.mouse
            facing = state.facing
            cheese = state.cheese != nil
        }
    }

    /// Every variant on every seed; `result[s][v]` is seed `s`, variant `v`. Episodes run in parallel on all
    /// cores when `parallel`; each episode depends only on its own inputs, so the result equals a serial run.
    public static func run(
        seeds: [Int32], variants: [RolloutVariant], generator: LevelGenerator, evaluator: PolicyEvaluator,
        maxSteps: Int = 256, selection: ActionSelection = .argmax, parallel: Bool = true,
        progress: (@Sendable (_ finishedEpisodes: Int, _ totalEpisodes: Int) -> Void)? = nil
    ) throws -> [[Rollout]] {
        try run(seeds: seeds, variants: Array(repeating: variants, count: seeds.count), generator: generator,
                evaluator: evaluator, maxSteps: maxSteps, selection: selection, parallel: parallel,
                progress: progress.map { report in { @Sendable _, finished, total in report(finished, total) } })
    }

    /// The action generator of one episode (nil for argmax): derived from the selection's seed, the level seed and
    /// the variant's index only.
    static func episodeGenerator(_ maze: MazeState, variantIndex: Int, selection: ActionSelection) -> MersenneTwister? {
        guard case .sample(let base) = selection else { return nil }
        let level = UInt32(bitPattern: maze.levelSeed ?? 0)
        return MersenneTwister(seed: base &* 2_654_435_761 ^ level &* 40_503 ^ UInt32(truncatingIfNeeded: variantIndex) &* 97)
    }

    /// Draws an index with probability proportional to `weights` from one raw 32-bit output.
    static func sample(_ weights: [Float], using random: inout MersenneTwister) -> Int {
        let total = weights.reduce(0.0) { $0 + Double($1) }
        let target = Double(random.next()) / 4_294_967_296.0 * total
        var cumulative = 0.0
        for (index, weight) in weights.enumerated() {
            cumulative += Double(weight)
            if target < cumulative { return index }
        }
        return weights.count - 1
    }
}

/// Fixed slots written from concurrent workers, each slot by exactly one worker.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private var finished = 0
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores a value and returns how many slots are filled now.
    func store(_ value: Value, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
        finished += 1
        return finished
    }

    var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
