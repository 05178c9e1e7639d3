import ActivationPatching
import AnimationJobs
import Foundation
import JobSupport
import MazeSimulation

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
