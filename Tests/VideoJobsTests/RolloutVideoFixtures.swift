import CairoGraphics
import Foundation
import Testing
import VideoEncoding

/// Looking at rollout videos: frames written out as PNGs on request.
enum RolloutFixtures {
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


/// A tool more than a test: with `ROLLOUT_DUMP_VIDEO=path.mp4 ROLLOUT_FRAMES_DIR=dir [ROLLOUT_DUMP_FRAMES=0,10,20]`
/// it writes those frames of any video as PNGs, to look at a `mazerender rollout` output. Skipped otherwise.
@Test("dump frames of ROLLOUT_DUMP_VIDEO", .enabled(if: ProcessInfo.processInfo.environment["ROLLOUT_DUMP_VIDEO"] != nil))
func dumpRequestedFrames() throws {
    let environment = ProcessInfo.processInfo.environment
    let indices = (environment["ROLLOUT_DUMP_FRAMES"] ?? "0").split(separator: ",").compactMap { Int($0) }
    try RolloutFixtures.dumpFrames(of: environment["ROLLOUT_DUMP_VIDEO"]!, indices: Set(indices), prefix: "dump")
}
