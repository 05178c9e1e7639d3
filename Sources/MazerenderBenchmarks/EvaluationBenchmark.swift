import Dispatch
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import Tensors

/// `mazerender benchmark evaluate`: the episodes of `evaluate`'s two rollout phases (in distribution and cheese
/// anywhere, argmax, 256 steps), played as `evaluate` did before the incremental pass (each level alone,
/// one ordinary batch-1 pass per step, repeated observations included, levels on all cores) and as it plays them now (`Rollouts.mapLockstep`:
/// 64 episodes in lock step, changed crops only, repeated observations from memory), with PyTorch's time for
/// one forward pass per step at batch 1 and 64.
public struct EvaluationBenchmarkResult: Sendable {
    public var scale: Int
    public var model: String
    public var levels: (inDistribution: Int, anywhere: Int)
    /// Steps over all episodes (one observation each).
    public var observations: Int
    /// Median seconds: levels alone with batch-1 passes, and lock step (what `evaluate` runs).
    public var aloneSeconds: Double
    public var lockstepSeconds: Double
    /// What the lock-step passes computed.
    public var statistics: ForwardStatistics
    /// Episodes whose actions equal the batch-1 episode's, of all.
    public var identicalEpisodes: Int
    public var episodes: Int
    /// PyTorch's median seconds for `sampled` of the observations at batch 1 and 64; nil when not measured.
    public var sampled = 0
    public var torchBatch1Seconds: Double?
    public var torchBatch64Seconds: Double?
    public var torchNote: String?

    /// PyTorch's time for all `observations`, from its rate on the sampled ones.
    func torchEstimate(_ seconds: Double) -> Double { seconds * Double(observations) / Double(max(1, sampled)) }

    public var report: String {
        func rate(_ seconds: Double) -> String { String(format: "%.1f s (%.0f obs/s)", seconds, Double(observations) / seconds) }
        var lines = [
            "evaluate episodes: scale \(scale) (\(model)), \(levels.inDistribution) in-distribution + \(levels.anywhere) "
                + "cheese-anywhere levels, argmax, 256 steps: \(observations) observations",
            "  each level alone, batch-1 ordinary passes (evaluate before)  \(rate(aloneSeconds))",
            "  lock step, changed crops, repeats from memory (evaluate now)  \(rate(lockstepSeconds))"
                + String(format: "  %.2fx faster", aloneSeconds / lockstepSeconds),
            String(format: "    %d repeated (no pass), %d incremental, %d full; conv FLOPs %.1f%% of one full pass per step",
                   statistics.repeated, statistics.incremental, statistics.full, 100 * statistics.share),
            "    \(identicalEpisodes) of \(episodes) episodes take the same actions as played alone",
        ]
        if let one = torchBatch1Seconds, let many = torchBatch64Seconds {
            for (batch, seconds) in [(1, one), (64, many)] {
                let total = torchEstimate(seconds)
                lines.append("  PyTorch batch \(batch), one pass per step  \(rate(total))"
                    + String(format: "  -> evaluate now is %.2fx faster (rate timed on %d of the observations)",
                             total / lockstepSeconds, sampled))
            }
        } else {
            lines.append("  PyTorch not measured (\(torchNote ?? "no script"))")
        }
        return lines.joined(separator: "\n")
    }
}

public enum EvaluationBenchmark {
    /// - Parameters:
    ///   - network: the policy (its scale is the scale measured).
    ///   - model: how the report names it.
    ///   - levels: in-distribution levels (`maze_aisc` rand_region 5, seeds from 1,000,000); twice as many
    ///     cheese-anywhere levels (seeds from 0): `evaluate`'s default proportions (500 and 1000).
    ///   - repeats: timed runs per path (medians).
    ///   - torchSample: observations PyTorch is timed on (spread evenly over all steps).
    ///   - torchScript: `bench_torch.py`; nil skips PyTorch.
    public static func run(network: ImpalaNetwork, model: String, renderer: ObservationRenderer, levels: Int = 100,
                           repeats: Int = 1, torchSample: Int = 640, torchScript: String?,
                           python: String = "python3") throws -> EvaluationBenchmarkResult {
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        let inDistribution = LevelGenerator(variant: .aisc(randRegion: 5)), anywhere = LevelGenerator()
        let mazes = (0..<levels).map { inDistribution.generate(seed: Int32(1_000_000 + $0)) }
            + (0..<(2 * levels)).map { anywhere.generate(seed: Int32($0)) }
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, repeats) { times.append(try BenchmarkTiming.seconds(body)) }
            return times.sorted()[times.count / 2]
        }
        var alone: [Rollout] = []
        let aloneSeconds = try median {
            let results = Results(count: mazes.count)
            DispatchQueue.concurrentPerform(iterations: mazes.count) { index in
                results.store(Result {
                    try Rollouts.play(mazes[index], variant: RolloutVariant(name: "original"), evaluator: evaluator,
                                      maxSteps: 256, remembersObservations: false)
                }, at: index)
            }
            alone = try results.values.map { try $0.get() }
        }
        var run: LockstepRun<Rollout>?
        let lockstepSeconds = try median {
            run = try Rollouts.mapLockstep(mazes.count, maze: { mazes[$0] }, evaluator: evaluator, maxSteps: 256) { $0 }
        }
        let lockstep = run!
        let identical = zip(alone, lockstep.summaries).filter { (a: Rollout, b: Rollout) in
            a.steps.map(\.action) == b.steps.map(\.action)
        }.count
        var result = EvaluationBenchmarkResult(
            scale: network.scale, model: model, levels: (levels, 2 * levels), observations: lockstep.statistics.observations,
            aloneSeconds: aloneSeconds, lockstepSeconds: lockstepSeconds, statistics: lockstep.statistics,
            identicalEpisodes: identical, episodes: mazes.count)
        if let torchScript {
            let states = lockstep.summaries.flatMap { (episode: Rollout) in episode.steps.map(\.state) }
            let stride = max(1, states.count / max(1, torchSample))
            let sample = Swift.stride(from: 0, to: states.count, by: stride).prefix(torchSample).map { states[$0] }
            result.sampled = sample.count
            let torch = EpisodeForwardBenchmark.torchBatchTimes(renderer.networkInput(for: sample), scale: network.scale,
                                                                repeats: 3, script: torchScript, python: python)
            (result.torchBatch1Seconds, result.torchBatch64Seconds, result.torchNote) = (torch.batch1, torch.batch64, torch.note)
        }
        return result
    }

    /// Results stored by index from concurrent workers.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Result<Rollout, any Error>?]

        init(count: Int) { stored = Array(repeating: nil, count: count) }

        func store(_ result: Result<Rollout, any Error>, at index: Int) { lock.withLock { stored[index] = result } }

        var values: [Result<Rollout, any Error>] { lock.withLock { stored.map { $0! } } }
    }
}
