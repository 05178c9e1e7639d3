import ActivationPatching
import AnimationJobs
import Foundation
import JobSupport
import MazeSimulation
import PolicyAnalysis

/// `mazerender benchmark animate`: a coefficient sweep of a 25x25 level's vector field (`animate --sweep
/// cheese:coeff --from -3 --to 3 --frames 25`) timed whole against the time to compute its numbers alone (the
/// 25 fields, `SweepNumbers`); the target is the whole job in at most 2x its numbers.
public enum AnimationBenchmark {
    public struct Run: Sendable {
        public var summary: AnimationSummary
        /// Wall-clock seconds of the numbers computed alone.
        public var numbersAloneSeconds: Double
        /// Whole job / numbers alone.
        public var ratio: Double { summary.totalSeconds / max(numbersAloneSeconds, 1e-9) }
    }

    public struct Result: Sendable {
        public var seed: Int32
        public var runs: [Run]
        public var medianRun: Run { runs.sorted { $0.ratio < $1.ratio }[runs.count / 2] }
        public var meetsTarget: Bool { medianRun.ratio <= 2 }

        public var report: String {
            let run = medianRun, s = run.summary
            let ratios = runs.map { String(format: "%.2f", $0.ratio) }.joined(separator: ", ")
            return String(format: """
                animate benchmark: cheese:coeff -3..3, %d frames of seed %d's 25x25 field, %dx%d (%@), median of %d runs
                  numbers alone  %6.2f s
                  whole job      %6.2f s   ratio %.2f (runs: %@) %@ 2
                  inside the job: numbers %.2f s, drawing %.2f s (%.0f frames/s), encoding %.2f s
                """, s.frames, seed, s.width, s.height, s.codec, runs.count, run.numbersAloneSeconds, s.totalSeconds,
                run.ratio, ratios, meetsTarget ? "<=" : ">", s.numbersSeconds, s.drawingSeconds,
                Double(s.frames) / max(s.drawingSeconds, 1e-9), s.encodingSeconds)
        }
    }

    /// The first seed whose maze is 25x25.
    public static func fullSizeSeed(_ generator: LevelGenerator = LevelGenerator()) -> Int32 {
        var seed: Int32 = 0
        while generator.generate(seed: seed).mazeDimension != 25 { seed += 1 }
        return seed
    }

    /// The benchmark's sweep on `seed`, writing to `out`.
    public static func job(seed: Int32, frames: Int = 25, out: String) throws -> AnimationJob {
        let sweep = AnimationJob.Sweep(parameter: try PatchParameter(parsing: "cheese:coeff"), from: -3, to: 3, frames: frames)
        return AnimationJob(mode: .sweep(sweep), seeds: [seed], out: out)
    }

    /// Runs the sweep `runs` times: its numbers alone, then the whole job into a scratch `.mp4` deleted afterwards.
    public static func run(in context: JobContext, frames: Int = 25, runs: Int = 3) throws -> Result {
        let directory = NSTemporaryDirectory() + "mazerender-animate-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = fullSizeSeed()
        let job = try job(seed: seed, frames: frames, out: directory + "/sweep.mp4")
        guard case let .sweep(sweep) = job.mode else { throw JobError("not a sweep") }
        var results: [Run] = []
        for _ in 0..<max(1, runs) {
            let clock = ContinuousClock(), start = clock.now
            _ = try SweepNumbers(sweep: sweep, seeds: job.seeds, generator: job.generator, context: context)
            let alone = clock.now - start
            let summary = try job.run(in: context)
            results.append(Run(summary: summary, numbersAloneSeconds: Double(alone.components.seconds)
                                   + Double(alone.components.attoseconds) * 1e-18))
            try? FileManager.default.removeItem(atPath: job.out)
        }
        return Result(seed: seed, runs: results)
    }
}

/// The other half of `mazerender benchmark animate`: `animate --rollout` of argmax episodes (seeds from 0 on, one
/// after another, until they hold at least 200 steps) with 4 channel heat maps of block 2 beside each panel,
/// timed whole against the numbers the job computes before its first frame (the episodes, the channels at every
/// state, a vector field per distinct state of the maze); the target is again at most 2x.
public enum RolloutAnimationBenchmark {
    public struct Result: Sendable {
        public var seeds: [Int32]
        public var steps: Int
        public var runs: [AnimationSummary]
        private func ratio(_ s: AnimationSummary) -> Double { s.totalSeconds / max(s.numbersSeconds, 1e-9) }
        public var medianRun: AnimationSummary { runs.sorted { ratio($0) < ratio($1) }[runs.count / 2] }
        public var meetsTarget: Bool { ratio(medianRun) <= 2 }

        public var report: String {
            let s = medianRun
            let ratios = runs.map { String(format: "%.2f", ratio($0)) }.joined(separator: ", ")
            return String(format: """
                animate benchmark: --rollout of seeds %@ (%d steps), channels 0,1,2,3, %d frames %dx%d (%@), median of %d runs
                  numbers (episodes, channel maps, fields) %6.2f s
                  whole job      %6.2f s   ratio %.2f (runs: %@) %@ 2
                  inside the job: drawing %.2f s (%.0f frames/s), encoding %.2f s
                """, Self.seedText(seeds), steps, s.frames, s.width, s.height, s.codec, runs.count, s.numbersSeconds,
                s.totalSeconds, ratio(s), ratios, meetsTarget ? "<=" : ">", s.drawingSeconds,
                Double(s.frames) / max(s.drawingSeconds, 1e-9), s.encodingSeconds)
        }

        private static func seedText(_ seeds: [Int32]) -> String {
            guard let first = seeds.first, let last = seeds.last else { return "none" }
            return seeds.count == 1 ? "\(first)" : "\(first)..\(last)"
        }
    }

    /// Seeds from 0 whose argmax episodes (as `animate --rollout` plays them) hold at least `steps` steps in all.
    public static func seeds(steps: Int, in context: JobContext, generator: LevelGenerator = LevelGenerator()) throws -> (seeds: [Int32], steps: Int) {
        var seeds: [Int32] = [], total = 0
        var seed: Int32 = 0
        while total < steps && seed < 1000 {
            let rollout = try Rollouts.play(generator.generate(seed: seed), variant: RolloutVariant(name: "original", edits: []),
                                            evaluator: context.evaluator, maxSteps: 256, selection: .argmax, endOnLoop: true)
            seeds.append(seed)
            total += rollout.steps.count
            seed += 1
        }
        return (seeds, total)
    }

    /// Runs the rollout animation `runs` times into a scratch `.mp4` deleted afterwards.
    public static func run(in context: JobContext, steps: Int = 200, runs: Int = 3) throws -> Result {
        let directory = NSTemporaryDirectory() + "mazerender-animate-rollout-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (seeds, total) = try seeds(steps: steps, in: context)
        let job = AnimationJob(mode: .rollout(AnimationJob.RolloutInsides(channels: "0,1,2,3")), seeds: seeds,
                               out: directory + "/rollout.mp4")
        var summaries: [AnimationSummary] = []
        for _ in 0..<max(1, runs) {
            summaries.append(try job.run(in: context))
            try? FileManager.default.removeItem(atPath: job.out)
        }
        return Result(seeds: seeds, steps: total, runs: summaries)
    }
}
