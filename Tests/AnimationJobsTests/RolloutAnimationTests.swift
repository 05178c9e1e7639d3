import ActivationPatching
import AnimationJobs
import Foundation
import JobSupport
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// `animate --rollout` on the scale-1 reference checkpoint: a short episode of seed 0, original and patched, with
/// channels 0 and 1 of the default layer.
@Suite("animated rollouts: frames, one colour scale per channel", .serialized)
struct RolloutAnimationTests {
    static let side = 96

    static func job(channels: String? = "0,1", layer: String? = nil, seeds: [Int32] = [0]) throws -> AnimationJob {
        let insides = AnimationJob.RolloutInsides(patches: [try PatchSpec(parsing: "cheese:coeff=-1")], layer: layer,
                                                  channels: channels, maxSteps: 6)
        return AnimationJob(mode: .rollout(insides), seeds: seeds, fps: 4, panelSide: side, out: "unset.mp4")
    }

    @Test("frames: per seed the longest episode's states plus a 1 s hold; data steps, mouse, action and one scale per channel")
    func framesAndScales() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("inside.mp4"), dataPath = scratch.file("inside.json")
        let (summary, drawn) = try AnimationFixtures.run(try Self.job(), to: path, data: dataPath)
        let data = try AnimationFixtures.json(dataPath)
        let steps = try #require(data["steps"] as? [[String: Any]])
        var states: [String: Int] = [:]
        for step in steps { states[step["variant"] as! String, default: 0] += 1 }
        #expect(states.keys.sorted() == ["cheese:coeff=-1.0", "original"])
        #expect(states.values.allSatisfy { (2...7).contains($0) })
        let expected = states.values.max()! + 4
        #expect(summary.frames == expected)
        #expect(drawn.count == expected - 4)
        #expect(try VideoProbe(path: path).frameCount == expected)

        // One scale per channel: every step reports the overall scale, within which its values lie, and the
        // scale is the largest |activation| over all steps.
        let scales = try #require(data["scales"] as? [[String: Any]])
        #expect(scales.map { $0["channel"] as? Int } == [0, 1])
        for (k, overall) in scales.enumerated() {
            let scale = try #require(overall["scale"] as? Double)
            var largest = 0.0
            for step in steps {
                let channel = try #require((step["channels"] as? [[String: Any]])?[k])
                #expect(channel["scale"] as? Double == scale)
                let low = channel["min"] as! Double, high = channel["max"] as! Double
                #expect(-scale - 1e-6 <= low && high <= scale + 1e-6)
                largest = max(largest, abs(low), abs(high))
            }
            #expect(largest == 0 ? scale == 1 : abs(largest - scale) < 1e-6 * max(1, scale))
        }
        #expect(steps.first.map { ($0["mouse"] as? [Int])?.count == 2 && $0["action"] as? Int != nil } == true)
        #expect(steps.contains { $0["action"] is NSNull })

        // The colour bars (right of each heat-map panel) are the same pixels in every frame drawn, and coloured.
        let width = summary.width, s = Double(Self.side), pad = 0.04 * s, column = 1.2 * s
        for k in 0..<2 {
            let panelRight = pad + Double(2 + k) * (column + pad) + s
            let xs = Int((panelRight + 0.04 * s).rounded(.up)) + 1..<Int((panelRight + 0.085 * s).rounded(.down)) - 1
            #expect(!xs.isEmpty)
            func strip(_ frame: [UInt8]) -> [UInt8] {
                var bytes: [UInt8] = []
                for y in 0..<summary.height {
                    for x in xs {
                        let offset = (y * width + x) * 4
                        bytes += frame[offset..<(offset + 3)]
                    }
                }
                return bytes
            }
            let first = strip(drawn[0])
            #expect(first.contains { $0 < 200 }, "channel \(k): no colour bar found")
            for frame in drawn.dropFirst() { #expect(strip(frame) == first, "channel \(k)'s bar changed") }
        }
        let info = try OutputInfo.read(path: path)
        #expect(info.contains { $0.key == "Patches" && $0.value == "cheese:coeff=-1.0" })
    }

    static let badChoices: [(String?, String?, JobSetting)] = [
        (nil, "embedder.fc_out", .layer), ("999", nil, .channels), ("0,1,2,3,4,5,6,7,8", nil, .channels),
        (nil, "no.such.site", .layer),
    ]

    @Test("a bad layer or channel list is refused before anything is written, naming the setting", arguments: badChoices)
    func badChannels(_ channels: String?, _ layer: String?, _ setting: JobSetting) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        var job = try Self.job(channels: channels ?? "0", layer: layer)
        job.out = scratch.file("bad.mp4")
        #expect { try job.run(in: SharedFixtures.context()) } throws: { ($0 as? JobError)?.setting == setting }
        #expect(try scratch.contents() == [])
    }

    @Test("cancelled: the job throws and leaves no file")
    func cancelled() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        var job = try Self.job()
        job.out = scratch.file("cancelled.gif")
        let cancellation = JobCancellation()
        cancellation.cancel()
        #expect(throws: JobError.self) {
            try job.run(in: SharedFixtures.context(), progress: nil, cancellation: cancellation, frameObserver: nil)
        }
        #expect(try scratch.contents() == [])
    }
}
