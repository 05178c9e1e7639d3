import Foundation
import ImpalaPolicy
import MazeObservation

/// The whole `mazerender rollout` job timed: rollouts (forward passes), drawing and encoding, and the encoded
/// frames per second, for the issue's target "drawing and encoding together cost less than the rollouts".
public enum RolloutBenchmark {
    public struct Result: Sendable {
        public var summary: RolloutJobSummary
        /// Forward passes per second during the rollouts (one per step of every episode).
        public var forwardPassesPerSecond: Double
        /// Frames drawn per second of drawing time.
        public var drawnFramesPerSecond: Double
        /// Whether drawing plus encoding took less time than the rollouts.
        public var meetsTarget: Bool { summary.drawingSeconds + summary.encodingSeconds < summary.rolloutSeconds }

        public var report: String {
            let s = summary
            return String(format: """
                rollout benchmark: %d episodes, %d steps, %d frames %dx%d
                  patches   %7.2f s
                  rollouts  %7.2f s  (%.0f forward passes/s, batch 1)
                  drawing   %7.2f s  (%.0f frames/s)
                  encoding  %7.2f s  (%.0f frames/s, \(s.codec))
                  total     %7.2f s  drawing + encoding \(meetsTarget ? "<" : ">=") rollouts
                """, s.episodes.count, s.episodes.map(\.steps).reduce(0, +), s.frames, s.width, s.height,
                s.patchSeconds, s.rolloutSeconds, forwardPassesPerSecond, s.drawingSeconds, drawnFramesPerSecond,
                s.encodingSeconds, s.encodedFramesPerSecond, s.totalSeconds)
        }
    }

    /// Runs `job` into a scratch `.<container>` file that is deleted afterwards.
    /// - Parameter container: `mp4`, `gif` or `webm`.
    public static func run(_ job: RolloutJob, network: ImpalaNetwork, assets: ObservationAssets,
                           container: String = "mp4") throws -> Result {
        let directory = NSTemporaryDirectory() + "mazerender-rollout-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let summary = try job.run(network: network, assets: assets, to: "\(directory)/benchmark.\(container)")
        let steps = summary.episodes.map(\.steps).reduce(0, +)
        return Result(summary: summary, forwardPassesPerSecond: Double(steps) / max(summary.rolloutSeconds, 1e-9),
                      drawnFramesPerSecond: Double(summary.frames) / max(summary.drawingSeconds, 1e-9))
    }

    /// The issue's benchmark: `--seeds 0..20`, the default variants and settings.
    public static func standardJob() -> RolloutJob { RolloutJob(seeds: Array(0...20)) }
}
