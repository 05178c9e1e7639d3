import Foundation
import JobSupport
import PolicyAnalysis
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// The README's first command, `rollout --seeds 0..20 --out video.mp4`, as a viewer gets it: decoded, its length,
/// how every episode ends, and the same bytes on a second run.
@Suite("the README's default video", .serialized, .tags(.slow), SlowTests.trait)
struct DefaultVideoTests {
    @Test("under 4 minutes, every episode ends on screen (cheese or a loop, none runs to the step limit), byte-reproducible")
    func defaultVideo() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let job = RolloutJob(seeds: Array(0...20), out: "unset.mp4")
        #expect(job.endsLoops && job.selection == .argmax && job.maxSteps == 256)
        let first = scratch.file("a.mp4"), second = scratch.file("b.mp4")
        let summary = try job.run(to: first)
        let probe = try VideoProbe(path: first)
        #expect(probe.frameCount == summary.frames)
        #expect(probe.durationSeconds < 240, "the default video plays \(probe.durationSeconds) s")
        #expect(summary.episodes.count == 42)
        // Argmax episodes end at the cheese, in a loop, or at procgen's timeout; none is cut by the step limit,
        // so the end of every episode is in the video.
        #expect(summary.episodes.allSatisfy { $0.ending == .cheese || $0.ending == .loop },
                "\(summary.episodes.filter { $0.ending != .cheese && $0.ending != .loop })")
        #expect(summary.episodes.contains { $0.ending == .loop })
        // Frames per page: 1 s of title, the longest episode of the seed, 1 s held on the ending.
        var longest: [Int32: Int] = [:]
        for episode in summary.episodes { longest[episode.seed] = max(longest[episode.seed] ?? 0, episode.steps) }
        #expect(summary.frames == longest.values.map { 10 + $0 + 10 }.reduce(0, +))
        _ = try job.run(to: second)
        #expect(FileManager.default.contents(atPath: first) == FileManager.default.contents(atPath: second),
                "the same command wrote different bytes")
    }
}
