import ImpalaPolicy
import MazeSimulation
import Tensors

/// What a lock-step run produced: one summary per episode, in episode order, and what its forward passes did.
public struct LockstepRun<Summary> {
    public var summaries: [Summary]
    /// Forward passes, observations and convolution FLOPs of the whole run.
    public var statistics: ForwardStatistics
}

extension Rollouts {
    /// Plays every maze at once, in lock step: each step renders the observations of the episodes still running
    /// and runs one batched forward pass for all of them. Each episode follows the rules of `play(_:variant:...)`
    /// with variant index 0 and the same action generator, so it is the same episode up to the last bits the
    /// batch size changes in the probabilities (which can flip an action only on a near-tie).
    /// Cost: one forward pass of up to `mazes.count` observations per step of the longest episode; far faster than
    /// batch-1 passes per episode, and with `path: .automatic` each pass recomputes only what changed since the
    /// episode's previous step (`EpisodeForward`).
    public static func playLockstep(_ mazes: [MazeState], variant: RolloutVariant = RolloutVariant(name: "original"),
                                    evaluator: PolicyEvaluator, maxSteps: Int = 256, selection: ActionSelection = .argmax,
                                    path: ForwardPath = .automatic) throws -> [Rollout] {
        try mapLockstep(mazes.count, maze: { mazes[$0] }, variant: variant, evaluator: evaluator, maxSteps: maxSteps,
                        selection: selection, path: path, width: max(1, mazes.count)) { $0 }.summaries
    }

    /// Plays `count` episodes with at most `width` in lock step: as one ends it is handed to `summarize` and
    /// the next starts in its place, so every pass stays about `width` observations large and memory holds
    /// `width` episodes. Episode `e` plays `maze(e)` with the rules of `playLockstep`.
    ///
    /// - Parameters:
    ///   - count: episodes to play.
    ///   - maze: episode `e`'s starting state, asked for when it starts.
    ///   - variant: the edits applied in every pass. Edits that read across the batch run each episode's pass
    ///     alone (batch 1, as `play` does).
    ///   - evaluator: the policy.
    ///   - maxSteps: step limit per episode; episodes also end at the cheese or procgen's timeout.
    ///   - selection: argmax or sampled actions (each episode's generator as in `play`).
    ///   - path: `.automatic` reuses each episode's previous activations (`EpisodeForward`; element-wise edits
    ///     only, others run the ordinary pass) and, with batch-independent edits, keeps every output an episode
    ///     computed: a step whose observation equals, pixel for pixel, an earlier step of the same episode runs no
    ///     pass (`ForwardStatistics.repeated`; an argmax episode caught in a loop costs nothing more once the loop
    ///     closes); `.ordinary` runs every observation through every layer.
    ///   - width: episodes in flight (at most `evaluator.batchSize` per pass).
    ///   - progress: called on the calling thread after each finished episode with the finished count and `count`.
    ///   - summarize: reduces a finished episode to what the caller keeps.
    /// - Returns: the summaries in episode order and the forward statistics.
    public static func mapLockstep<Summary>(
        _ count: Int, maze: (Int) throws -> MazeState, variant: RolloutVariant = RolloutVariant(name: "original"),
        evaluator: PolicyEvaluator, maxSteps: Int = 256, selection: ActionSelection = .argmax,
        path: ForwardPath = .automatic, width: Int = 64,
        progress: ((_ finishedEpisodes: Int, _ totalEpisodes: Int) -> Void)? = nil,
        summarize: (Rollout) throws -> Summary
    ) throws -> LockstepRun<Summary> {
        let passes = try LockstepPasses(variant: variant, evaluator: evaluator, path: path)
        var summaries = [Summary?](repeating: nil, count: count)
        var running: [EpisodeInFlight] = []
        var next = 0, finished = 0
        func finish(_ episode: EpisodeInFlight, _ ending: Rollout.Ending) throws {
            passes.end(episode.index)
            summaries[episode.index] = try summarize(Rollout(seed: episode.start.levelSeed ?? -1, variant: variant.name,
                                                             steps: episode.steps, finalState: episode.state, ending: ending))
            finished += 1
            progress?(finished, count)
        }
        while next < count || !running.isEmpty {
            while running.count < max(1, width), next < count {
                let start = try maze(next)
                let episode = EpisodeInFlight(index: next, start: start,
                                              generator: episodeGenerator(start, variantIndex: 0, selection: selection))
                next += 1
                if maxSteps <= 0 { try finish(episode, .stepLimit) } else { running.append(episode) }
            }
            if running.isEmpty { continue }
            let distributions = try passes.evaluate(running.map(\.state), episodes: running.map(\.index))
            var still: [EpisodeInFlight] = []
            for (slot, var episode) in running.enumerated() {
                let distribution = distributions[slot]
                let index: Int
                if var random = episode.generator {
                    index = sample(distribution.actions, using: &random)
                    episode.generator = random
                } else {
                    index = distribution.argmaxAction
                }
                let action = MazeAction(rawValue: index) ?? .noop
                let before = episode.state
                episode.state.stepCount += 1
                let reward = episode.state.applyMove(action)
                episode.steps.append(RolloutStep(state: before, distribution: distribution, action: action, reward: reward))
                if reward > 0 {
                    try finish(episode, .cheese)
                } else if episode.state.stepCount >= MazeState.timeout {
                    try finish(episode, .timeout)
                } else if episode.steps.count >= maxSteps {
                    try finish(episode, .stepLimit)
                } else {
                    still.append(episode)
                }
            }
            running = still
        }
        return LockstepRun(summaries: summaries.map { $0! }, statistics: passes.statistics)
    }
}

/// One running episode of a lock-step run.
private struct EpisodeInFlight {
    let index: Int
    let start: MazeState
    var state: MazeState
    var generator: MersenneTwister?
    var steps: [RolloutStep] = []

    init(index: Int, start: MazeState, generator: MersenneTwister?) {
        self.index = index
        self.start = start
        state = start
        self.generator = generator
    }
}

/// The forward passes of a lock-step run: incremental along episodes, ordinary, or one episode at a time for
/// edits that read across the batch. With the automatic path and batch-independent edits, each episode also
/// keeps the outputs of every observation it has computed, and a step whose observation equals an earlier one
/// of the same episode (a loop, a move into a wall) takes them without a pass.
private final class LockstepPasses {
    let variant: RolloutVariant
    let evaluator: PolicyEvaluator
    let episodes: EpisodeForward?
    /// Whether each episode's outputs are kept by observation (`memory`).
    let remembers: Bool
    private var memory: [Int: [ObservationDigest: ActionDistribution]] = [:]
    private var ordinaryStatistics = ForwardStatistics()

    init(variant: RolloutVariant, evaluator: PolicyEvaluator, path: ForwardPath) throws {
        self.variant = variant
        self.evaluator = evaluator
        episodes = path == .automatic ? try EpisodeForward(network: evaluator.network, edits: variant.edits) : nil
        remembers = path == .automatic && variant.edits.allSatisfy(\.batchIndependent)
    }

    var statistics: ForwardStatistics {
        var total = ordinaryStatistics
        if let episodes { total.add(episodes.statistics) }
        return total
    }

    /// One step of every running episode: `states[n]` is the current state of episode `numbers[n]`.
    func evaluate(_ states: [MazeState], episodes numbers: [Int]) throws -> [ActionDistribution] {
        let input = evaluator.input(for: states)
        guard remembers else { return try compute(input, episodes: numbers) }
        var result = [ActionDistribution?](repeating: nil, count: states.count)
        var digests: [ObservationDigest] = []
        var misses: [Int] = []
        input.withUnsafeBufferPointer { x in
            for n in 0..<states.count {
                let digest = ObservationDigest(UnsafeBufferPointer(rebasing: x[(n * 12288)..<((n + 1) * 12288)]))
                digests.append(digest)
                if let known = memory[numbers[n]]?[digest] { result[n] = known } else { misses.append(n) }
            }
        }
        ordinaryStatistics.addRepeated(observations: states.count - misses.count, network: evaluator.network)
        if !misses.isEmpty {
            let subset = misses.count == states.count
                ? input : Tensor.concatenatingBatches(misses.map { input.batchSlice($0..<($0 + 1)) })
            let computed = try compute(subset, episodes: misses.map { numbers[$0] })
            for (k, n) in misses.enumerated() {
                result[n] = computed[k]
                memory[numbers[n], default: [:]][digests[n]] = computed[k]
            }
        }
        return result.map { $0! }
    }

    /// Forward passes over `input` (row `n` episode `numbers[n]`), at most `evaluator.batchSize` rows each.
    private func compute(_ input: Tensor, episodes numbers: [Int]) throws -> [ActionDistribution] {
        let network = evaluator.network
        let alone = !variant.edits.allSatisfy(\.batchIndependent)
        let size = alone ? 1 : evaluator.batchSize
        let count = input.shape[0]
        var result: [ActionDistribution] = []
        var start = 0
        while start < count {
            let end = min(count, start + size)
            let rows = start == 0 && end == count ? input : input.batchSlice(start..<end)
            let output: PolicyOutput
            if let episodes, !alone {
                output = try episodes.forward(rows, episodes: Array(numbers[start..<end]))
            } else {
                output = try network.forward(rows, edits: variant.edits, path: .ordinary)
                ordinaryStatistics.addOrdinaryPass(observations: end - start, network: network)
            }
            result += ActionDistribution.split(output)
            start = end
        }
        return result
    }

    func end(_ episode: Int) {
        episodes?.endEpisode(episode)
        memory[episode] = nil
    }
}

/// A 128-bit digest of one observation's pixels (two independently seeded standard-library hashers over its
/// bytes): the key an episode's outputs are kept under. Two different observations of one episode share a key
/// with probability about 2^-128 per pair.
struct ObservationDigest: Hashable {
    let first: Int
    let second: Int

    init(_ pixels: UnsafeBufferPointer<Float>) {
        let bytes = UnsafeRawBufferPointer(pixels)
        var one = Hasher(), two = Hasher()
        one.combine(0x6d61_7a65 as UInt64)
        two.combine(0x6368_6565_7365 as UInt64)
        one.combine(bytes: bytes)
        two.combine(bytes: bytes)
        first = one.finalize()
        second = two.finalize()
    }
}
