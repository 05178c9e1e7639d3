import Foundation
import Glibc
import ImpalaPolicy
import JobSupport
import MazeObservation
import PolicyAnalysis
import VideoJobs
#if canImport(Glibc)
#endif

/// The whole `mazerender rollout` job timed against its rollouts alone: the target is the whole job in at
/// most 1.3x the time of the same rollouts played without drawing or encoding.
public enum RolloutBenchmark {
    /// One run: the rollouts alone, then the whole job, each with wall-clock and process CPU seconds.
    public struct Run: Sendable {
        public var summary: RolloutJobSummary
        /// Wall-clock and CPU (all threads) seconds of the rollouts played alone (`RolloutJob.playRollouts`).
        public var rolloutsAloneSeconds: Double, rolloutsAloneCPUSeconds: Double
        /// CPU seconds (all threads) of the whole job.
        public var wholeCPUSeconds: Double
        /// Whole job / rollouts alone, wall clock.
        public var ratio: Double { summary.totalSeconds / max(rolloutsAloneSeconds, 1e-9) }
        /// Whole job / rollouts alone in CPU seconds: what the wall-clock ratio tends to on a quiet machine whose
        /// cores the work keeps busy, and steady on a loaded one where wall-clock times are not.
        public var cpuRatio: Double { wholeCPUSeconds / max(rolloutsAloneCPUSeconds, 1e-9) }
    }

    public struct Result: Sendable {
        /// Every run, in order.
        public var runs: [Run]
        /// The run with the median ratio.
        public var summary: RolloutJobSummary { medianRun.summary }
        public var medianRun: Run { runs.sorted { $0.ratio < $1.ratio }[runs.count / 2] }
        /// Forward passes per second during the rollouts of the median run (one per step of every episode).
        public var forwardPassesPerSecond: Double {
            Double(summary.episodes.map(\.steps).reduce(0, +)) / max(summary.rolloutSeconds, 1e-9)
        }
        /// Frames drawn per second of drawing time (median run).
        public var drawnFramesPerSecond: Double { Double(summary.frames) / max(summary.drawingSeconds, 1e-9) }
        /// Median of the whole job / rollouts alone over the runs.
        public var medianRatio: Double { medianRun.ratio }
        /// The target: the whole job in at most 1.3x its rollouts alone.
        public var meetsTarget: Bool { medianRatio <= 1.3 }

        public var report: String {
            let s = summary, run = medianRun
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            let ratios = runs.map { String(format: "%.2f", $0.ratio) }.joined(separator: ", ")
            return String(format: """
                rollout benchmark (%@): %d episodes, %d steps, %d frames %dx%d (%d drawn), median of %d runs
                  rollouts alone  %7.2f s wall  %7.2f s CPU
                  whole job       %7.2f s wall  %7.2f s CPU   ratio whole / rollouts alone %.2f (runs: %@) %@ 1.3
                  CPU ratio whole / rollouts alone %.2f
                  inside the job: patches %.2f s, rollouts %.2f s (%.0f forward passes/s, batch 1),
                                  drawing %.2f s (%.0f frames/s), encoding %.2f s (%.0f frames/s, %@), %d frames buffered at most
                """, s.pipelined ? "pipelined" : "serial reference",
                s.episodes.count, s.episodes.map(\.steps).reduce(0, +), s.frames, s.width, s.height, s.framesRedrawn,
                runs.count,
                median(runs.map(\.rolloutsAloneSeconds)), median(runs.map(\.rolloutsAloneCPUSeconds)),
                median(runs.map(\.summary.totalSeconds)), median(runs.map(\.wholeCPUSeconds)), run.ratio, ratios,
                meetsTarget ? "<=" : ">", median(runs.map(\.cpuRatio)),
                s.patchSeconds, s.rolloutSeconds, forwardPassesPerSecond, s.drawingSeconds, drawnFramesPerSecond,
                s.encodingSeconds, s.encodedFramesPerSecond, s.codec, s.framesBuffered)
        }
    }

    /// Runs `job` `runs` times, each time its rollouts alone and then the whole job into a scratch
    /// `.<container>` file that is deleted afterwards (the job's own `out` and `trace` are not used).
    /// - Parameter container: `mp4`, `gif` or `webm`.
    public static func run(_ job: RolloutJob, in context: JobContext, container: String = "mp4", runs: Int = 1) throws -> Result {
        let directory = NSTemporaryDirectory() + "mazerender-rollout-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var results: [Run] = []
        for _ in 0..<max(1, runs) {
            let aloneCPU = processCPUSeconds(), aloneStart = DispatchTime.now().uptimeNanoseconds
            try job.playRollouts(in: context)
            let alone = Double(DispatchTime.now().uptimeNanoseconds - aloneStart) / 1e9
            let wholeCPU = processCPUSeconds()
            var scratchJob = job
            scratchJob.out = "\(directory)/benchmark.\(container)"
            scratchJob.trace = nil
            let summary = try scratchJob.run(in: context)
            results.append(Run(summary: summary, rolloutsAloneSeconds: alone,
                               rolloutsAloneCPUSeconds: wholeCPU - aloneCPU,
                               wholeCPUSeconds: processCPUSeconds() - wholeCPU))
        }
        return Result(runs: results)
    }

    /// The benchmark: `--seeds 0..20`, the default variants and settings.
    public static func standardJob() -> RolloutJob { RolloutJob(seeds: Array(0...20), out: "benchmark.mp4") }

    /// CPU seconds of this process so far, all threads.
    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
