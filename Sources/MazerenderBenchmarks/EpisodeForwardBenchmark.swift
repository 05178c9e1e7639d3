import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import Tensors

/// One scale of `mazerender benchmark rollouts`: the forward passes of lock-step episodes through the ordinary
/// pass, the incremental pass along episodes (`EpisodeForward`) and PyTorch, on the same observations.
public struct EpisodeForwardBenchmarkResult: Sendable {
    public var scale: Int
    /// Where the weights came from (`bundled agent`, `random weights`).
    public var weights: String
    public var episodes: Int
    /// Lock steps (forward passes of each path) and observations over them.
    public var passes: Int
    public var observations: Int
    /// Median seconds over all steps: ordinary lock-step batches, and the incremental pass.
    public var ordinarySeconds: Double
    public var incrementalSeconds: Double
    /// PyTorch's median seconds for the same observations in batches of 1 and of 64; nil when not measured.
    public var torchBatch1Seconds: Double?
    public var torchBatch64Seconds: Double?
    public var torchNote: String?
    /// Convolution FLOPs of the incremental pass as a share of the direct computation (all observations in
    /// full), and the largest |logit difference| from the ordinary pass over every step.
    public var statistics: ForwardStatistics
    public var maxLogitDifference: Float

    /// The results as lines: times, observations per second and ratios.
    public var report: String {
        func rate(_ seconds: Double) -> String { String(format: "%.3f s (%.0f obs/s)", seconds, Double(observations) / seconds) }
        var lines = [
            "rollouts: scale \(scale) (\(weights)), \(episodes) episodes in lock step, \(passes) steps, \(observations) observations",
            "  ordinary lock-step batches  \(rate(ordinarySeconds))",
            "  incremental along episodes  \(rate(incrementalSeconds))"
                + String(format: "  %.2fx ordinary; conv FLOPs %.1f%% of the direct computation (%d incremental, %d unchanged, %d full); max |dlogit| %.1e",
                         ordinarySeconds / incrementalSeconds, 100 * statistics.share, statistics.incremental,
                         statistics.unchanged, statistics.full, Double(maxLogitDifference)),
        ]
        if let one = torchBatch1Seconds, let many = torchBatch64Seconds {
            lines.append("  PyTorch batch 1             \(rate(one))  -> incremental is \(String(format: "%.2f", one / incrementalSeconds))x faster")
            lines.append("  PyTorch batch 64            \(rate(many))  -> incremental is \(String(format: "%.2f", many / incrementalSeconds))x faster")
        } else {
            lines.append("  PyTorch not measured (\(torchNote ?? "no script"))")
        }
        return lines.joined(separator: "\n")
    }
}

/// `mazerender benchmark rollouts`: episodes of the bundled agent (or another scale-1 policy) played in lock
/// step record their observations step by step; each scale then runs exactly those steps through the ordinary
/// pass, the incremental pass and PyTorch (`Scripts/bench_torch.py --batches 1,64`). At scales other than the
/// playing policy's, random weights compute on the recorded observations (the trajectories stay the agent's).
public enum EpisodeForwardBenchmark {
    /// - Parameters:
    ///   - player: the policy that plays the episodes (its scale's measurement uses it too).
    ///   - renderer: draws the observations.
    ///   - episodes: levels (seeds 0, 1, ...) played in lock step.
    ///   - maxSteps: step limit per episode.
    ///   - scales: scales to measure.
    ///   - repeats: timed runs per path (medians reported).
    ///   - torchScript: path of `bench_torch.py`; nil skips PyTorch.
    public static func run(player: ImpalaNetwork, renderer: ObservationRenderer, episodes: Int = 64, maxSteps: Int = 48,
                           scales: [Int], repeats: Int = 3, torchScript: String?,
                           python: String = "python3") throws -> [EpisodeForwardBenchmarkResult] {
        let steps = try record(player: player, renderer: renderer, episodes: episodes, maxSteps: maxSteps)
        let all = Tensor.concatenatingBatches(steps.map(\.input))
        return try scales.map { scale in
            let network = scale == player.scale ? player : ImpalaNetwork.randomlyInitialized(scale: scale, seed: 0)
            func median(_ body: () throws -> Void) rethrows -> Double {
                var times: [Double] = []
                for _ in 0..<max(1, repeats) { times.append(try BenchmarkTiming.seconds(body)) }
                return times.sorted()[times.count / 2]
            }
            var ordinary: [Tensor] = [], incremental: [Tensor] = []
            let ordinarySeconds = try median {
                ordinary = try steps.map { try network.forward($0.input, path: .ordinary).logits }
            }
            var statistics = ForwardStatistics()
            let incrementalSeconds = try median {
                let pass = try EpisodeForward(network: network)
                incremental = try steps.map { try pass.forward($0.input, episodes: $0.episodes).logits }
                statistics = pass.statistics
            }
            let difference = zip(ordinary, incremental).map { $0.maxAbsoluteDifference(to: $1) }.max() ?? 0
            var result = EpisodeForwardBenchmarkResult(
                scale: scale, weights: network.scale == player.scale ? "the playing agent" : "random weights",
                episodes: episodes, passes: steps.count, observations: all.shape[0], ordinarySeconds: ordinarySeconds,
                incrementalSeconds: incrementalSeconds, statistics: statistics, maxLogitDifference: difference)
            if let torchScript {
                let torch = torchBatchTimes(all, scale: scale, repeats: repeats, script: torchScript, python: python)
                (result.torchBatch1Seconds, result.torchBatch64Seconds, result.torchNote) = (torch.batch1, torch.batch64, torch.note)
            }
            return result
        }
    }

    /// PyTorch's median seconds for `input` in batches of 1 and of 64 (`bench_torch.py --batches 1,64`), or why
    /// there are none.
    static func torchBatchTimes(_ input: Tensor, scale: Int, repeats: Int, script: String,
                                python: String) -> (batch1: Double?, batch64: Double?, note: String?) {
        do {
            let json = try VectorFieldBenchmark.torchRun(input, scale: scale, repeats: repeats, script: script,
                                                         python: python, arguments: ["--batches", "1,64"])
            guard let byBatch = json["seconds_by_batch"] as? [String: Double] else {
                return (nil, nil, "the script printed no seconds_by_batch")
            }
            return (byBatch["1"], byBatch["64"], nil)
        } catch {
            return (nil, nil, "\(error)")
        }
    }

    /// One lock step: the observations of the running episodes and their numbers.
    struct Step {
        var input: Tensor
        var episodes: [Int]
    }

    /// Plays seeds `0..<episodes` in lock step with `player` (argmax) and keeps every step's observations.
    static func record(player: ImpalaNetwork, renderer: ObservationRenderer, episodes: Int, maxSteps: Int) throws -> [Step] {
        let evaluator = PolicyEvaluator(network: player, renderer: renderer)
        let generator = LevelGenerator()
        let rollouts = try Rollouts.playLockstep((0..<episodes).map { generator.generate(seed: Int32($0)) },
                                                 evaluator: evaluator, maxSteps: maxSteps)
        let longest = rollouts.map(\.steps.count).max() ?? 0
        return (0..<longest).map { t in
            let running = rollouts.indices.filter { rollouts[$0].steps.count > t }
            return Step(input: renderer.networkInput(for: running.map { rollouts[$0].steps[t].state }), episodes: running)
        }
    }
}
