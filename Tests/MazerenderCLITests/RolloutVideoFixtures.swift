import CairoGraphics
import Foundation
import ImpalaPolicy
import MazeObservation
import RenderJobs
import VideoEncoding

/// Shared inputs of the rollout video tests: the scale-1 reference checkpoint and procgen's assets, found from this
/// file's path, and scratch directories.
enum RolloutFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/reference/impala/impala_s1_seed0_perturbed.pth").path
    static let assetDirectory = packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory).path

    static let network: Result<ImpalaNetwork, any Error> = Result { try ModelLocator.loadNetwork(explicit: modelPath) }
    static let assets: Result<ObservationAssets, ObservationAssetError> = Result {
        () throws(ObservationAssetError) -> ObservationAssets in try ObservationAssets(directory: assetDirectory)
    }

    /// A fresh empty directory, removed by `remove()`.
    struct Scratch {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "rollout-tests-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func file(_ name: String) -> String { path + "/" + name }
        /// Every entry, hidden ones included.
        func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// When `ROLLOUT_FRAMES_DIR` is set, writes the decoded frames at `indices` of `video` there as PNGs, to look at.
    static func dumpFrames(of video: String, indices: Set<Int>, prefix: String) throws {
        guard let directory = ProcessInfo.processInfo.environment["ROLLOUT_FRAMES_DIR"] else { return }
        try VideoProbe.forEachFrame(path: video) { frame in
            guard indices.contains(frame.index) else { return }
            let image = try PixelImage(width: frame.width, height: frame.height, layout: .bgra, pixels: frame.pixels)
            let canvas = try Canvas(width: frame.width, height: frame.height)
            canvas.drawImage(image, in: Rect(x: 0, y: 0, width: Double(frame.width), height: Double(frame.height)),
                             filter: .nearest)
            try canvas.writePNG(to: "\(directory)/\(prefix)-\(frame.index).png")
        }
    }
}

import Testing

/// A tool more than a test: with `ROLLOUT_DUMP_VIDEO=path.mp4 ROLLOUT_FRAMES_DIR=dir [ROLLOUT_DUMP_FRAMES=0,10,20]`
/// it writes those frames of any video as PNGs, to look at a `mazerender rollout` output. Skipped otherwise.
@Test("dump frames of ROLLOUT_DUMP_VIDEO", .enabled(if: ProcessInfo.processInfo.environment["ROLLOUT_DUMP_VIDEO"] != nil))
func dumpRequestedFrames() throws {
    let environment = ProcessInfo.processInfo.environment
    let indices = (environment["ROLLOUT_DUMP_FRAMES"] ?? "0").split(separator: ",").compactMap { Int($0) }
    try RolloutFixtures.dumpFrames(of: environment["ROLLOUT_DUMP_VIDEO"]!, indices: Set(indices), prefix: "dump")
}

/// The benchmark (`--seeds 0..20`, default variants, 256 steps, 384 px panels, MP4) on the reference
/// checkpoint, printed. Run with `ROLLOUT_BENCHMARK=1 swift test -c release --filter rolloutBenchmark`.
@Test("rollout benchmark", .enabled(if: ProcessInfo.processInfo.environment["ROLLOUT_BENCHMARK"] != nil))
func rolloutBenchmark() throws {
    let result = try RolloutBenchmark.run(RolloutBenchmark.standardJob(), network: RolloutFixtures.network.get(),
                                          assets: RolloutFixtures.assets.get())
    print(result.report)
}
