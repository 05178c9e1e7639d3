import ActivationPatching
import AnimationJobs
import FigureJobs
import Foundation
import JobSupport
import MazeSimulation
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// `animate --sweep` on the scale-1 reference checkpoint: three frames of one small seed, decoded and compared
/// with what was drawn, the numbers compared with `vfield`'s.
@Suite("animated sweeps: frames, captions and numbers", .serialized)
struct SweepAnimationTests {
    static func job(frames: Int = 3, seeds: [Int32] = [0], diff: Bool = false) throws -> AnimationJob {
        let sweep = AnimationJob.Sweep(parameter: try PatchParameter(parsing: "cheese:coeff"), from: -2, to: 2,
                                       frames: frames, diff: diff)
        return AnimationJob(mode: .sweep(sweep), seeds: seeds, fps: 5, panelSide: 128, out: "unset.mp4")
    }

    @Test("MP4: one frame per value, each decoded frame is the one drawn, in order; the data's values and captions")
    func framesAndCaptions() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("sweep.mp4"), dataPath = scratch.file("sweep.json")
        let (summary, drawn) = try AnimationFixtures.run(try Self.job(), to: path, data: dataPath)
        let probe = try VideoProbe(path: path)
        #expect(probe.frameCount == 3 && summary.frames == 3 && drawn.count == 3)
        #expect(probe.width == summary.width && probe.height == summary.height)
        #expect(try scratch.contents() == ["sweep.json", "sweep.mp4"])

        // Each decoded frame matches the frame drawn for its value, and its caption band matches that frame's
        // caption better than the other frames' captions (the captions differ: -2.00, 0.00, 2.00).
        let decoded = try AnimationFixtures.decodedFrames(path)
        #expect(decoded.count == 3)
        let width = summary.width
        for (index, frame) in decoded.enumerated() {
            #expect(AnimationFixtures.psnr(frame, drawn[index], width: width, rows: 0..<summary.height) >= 30, "frame \(index)")
        }
        // The caption sits just above the chart: the band of rows where the drawn frames differ between
        // frames 0 and 2 outside the panels and chart is found from the drawn frames themselves.
        let differing = (0..<summary.height).filter { y in
            drawn[0][(y * width * 4)..<((y + 1) * width * 4)] != drawn[2][(y * width * 4)..<((y + 1) * width * 4)]
        }
        #expect(!differing.isEmpty)
        for (index, frame) in decoded.enumerated() {
            let own = AnimationFixtures.psnr(frame, drawn[index], width: width, rows: differing.first!..<(differing.last! + 1))
            for other in drawn.indices where other != index {
                let theirs = AnimationFixtures.psnr(frame, drawn[other], width: width, rows: differing.first!..<(differing.last! + 1))
                #expect(own > theirs, "decoded frame \(index) looks more like drawn frame \(other)")
            }
        }

        let data = try AnimationFixtures.json(dataPath)
        #expect(data["parameter"] as? String == "cheese:coeff")
        let frames = try #require(data["frames"] as? [[String: Any]])
        #expect(frames.map { $0["value"] as? Double } == [-2, 0, 2])
        #expect(frames.map { $0["caption"] as? String } == ["cheese coeff = -2.00", "cheese coeff = 0.00", "cheese coeff = 2.00"])
        #expect(frames.map { $0["spec"] as? String } == ["cheese:coeff=-2.0", "cheese:coeff=0.0", "cheese:coeff=2.0"])

        let info = try OutputInfo.read(path: path)
        #expect(info.contains { $0.key == "Seeds" && $0.value == "0" })
        #expect(info.contains { $0.key == "Patches" && $0.value.contains("cheese:coeff=-2.0..2.0") })
    }

    @Test("every frame's cells equal vfield --patch cheese:coeff=V --out F.json (|dp| <= 1e-5); decision-square probabilities from those cells")
    func numbersEqualSingleShot() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let dataPath = scratch.file("sweep.json")
        _ = try AnimationFixtures.run(try Self.job(), to: scratch.file("sweep.gif"), data: dataPath)
        let frames = try #require(try AnimationFixtures.json(dataPath)["frames"] as? [[String: Any]])
        let context = try SharedFixtures.context()
        for frame in frames {
            let spec = try #require(frame["spec"] as? String)
            let single = scratch.file("single.json")
            _ = try FigureJob(template: FigureJobs.vectorFieldTemplate(seed: 0, patches: [spec]), out: single).run(in: context)
            let expected = try #require(try AnimationFixtures.json(single)["cells"] as? [[String: Any]])
            let seed = try #require((frame["seeds"] as? [[String: Any]])?.first)
            let cells = try #require(seed["cells"] as? [[String: Any]])
            let largest = try AnimationFixtures.largestDifference(cells, expected)
            #expect(largest <= 1e-5, "\(spec): max |dp| \(largest)")
            // P(toward cheese) is the decision square's probability of the step on the path to the cheese.
            if let square = seed["decision_square"] as? [Int], let pCheese = seed["p_cheese"] as? Double {
                let cell = try #require(cells.first { $0["x"] as? Int == square[0] && $0["y"] as? Int == square[1] })
                let probs = try #require(cell["probs"] as? [String: Double])
                #expect(probs.values.contains { abs($0 - pCheese) < 1e-6 })
            }
        }
    }

    @Test("a diff sweep of two seeds side by side: wider frames, original cells in the data")
    func diffTwoSeeds() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        var oneSeed = try Self.job(frames: 2), twoSeeds = try Self.job(frames: 2, seeds: [0, 1], diff: true)
        oneSeed.panelSide = 256
        twoSeeds.panelSide = 256
        let (one, _) = try AnimationFixtures.run(oneSeed, to: scratch.file("one.webm"))
        let (two, _) = try AnimationFixtures.run(twoSeeds, to: scratch.file("two.webm"), data: scratch.file("two.json"))
        #expect(two.width > one.width)
        #expect(try VideoProbe(path: scratch.file("two.webm")).frameCount == 2)
        let frames = try #require(try AnimationFixtures.json(scratch.file("two.json"))["frames"] as? [[String: Any]])
        let seeds = try #require(frames.first?["seeds"] as? [[String: Any]])
        #expect(seeds.count == 2 && seeds.allSatisfy { $0["original_cells"] != nil })
    }

    @Test("bad sweeps are refused before anything is written, naming the setting", arguments: [
        ("frames 1", JobSetting.frames), ("frames huge", .frames), ("from equals to", .to), ("seven seeds", .seeds),
        ("base of another kind", .patches), ("data not json", .data), ("fps 0", .fps),
    ])
    func badSweeps(_ name: String, setting: JobSetting) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        var job = try Self.job()
        job.out = scratch.file("bad.mp4")
        guard case var .sweep(sweep) = job.mode else { return }
        switch name {
        case "frames 1": sweep.frames = 1
        case "frames huge": sweep.frames = 1_000_000
        case "from equals to": sweep.to = sweep.from
        case "seven seeds": job.seeds = Array(0..<7)
        case "base of another kind": sweep.base = PatchSpec(kind: .topRight, coeff: 1)
        case "data not json": job.data = scratch.file("numbers.csv")
        default: job.fps = 0
        }
        job.mode = .sweep(sweep)
        #expect { try job.run(in: SharedFixtures.context()) } throws: { ($0 as? JobError)?.setting == setting }
        #expect(try scratch.contents() == [])
    }

    @Test("a swept key is KIND:KEY with a numeric key", arguments: ["cheese", "cheese:channels", "cheese:source", "mouse:coeff", "retarget:cell", ""])
    func badParameters(_ text: String) {
        #expect(throws: PatchError.self) { try PatchParameter(parsing: text) }
    }

    @Test("numeric keys: each sets its field, the base's other keys kept")
    func parameterSetsKey() throws {
        let base = try PatchSpec(parsing: "retarget:channels=5,cell=3x4,value=2")
        let spec = try PatchParameter(parsing: "retarget:value").spec(7.5, base: base)
        #expect(spec.value == 7.5 && spec.cell == base.cell && spec.channels == base.channels)
        #expect(try PatchParameter(parsing: "retarget:default").spec(-1).background == -1)
        #expect(try PatchParameter(parsing: "top-right:coeff").spec(3).description == "top-right:coeff=3.0")
    }
}
