import AnimationJobs
import FigureJobs
import Foundation
import JobSupport
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// `animate --models` as a job, over a folder holding the reference checkpoint as `ckpt_step_2.pth` and the
/// bundled agent as `ckpt_step_10.pth` and again as `ckpt_step_30.pth` (identical bytes: identical numbers).
@Suite("animations over models: frames, order, numbers", .serialized)
struct ModelsAnimationTests {
    static let names = ["ckpt_step_2.pth", "ckpt_step_10.pth", "ckpt_step_30.pth"]

    /// The folder of three checkpoints (step 10 copied before step 2, so that the order is the job's).
    static func checkpoints(_ scratch: ScratchFolder) throws -> String {
        try scratch.folder("checkpoints", copying: [
            ("ckpt_step_10.pth", PackagePaths.bundledModel), ("ckpt_step_2.pth", SharedFixtures.modelPath),
            ("ckpt_step_30.pth", PackagePaths.bundledModel),
        ])
    }

    static func job(_ checkpoints: [String], out: String, data: String? = nil) -> AnimationJob {
        AnimationJob(mode: .models(AnimationJob.ModelSeries(checkpoints: checkpoints, levels: 3, maxSteps: 64)),
                     seeds: [0], fps: 2, panelSide: 128, out: out, data: data)
    }

    @Test("MP4: one frame per model in step order, each decoded frame the one drawn; data, captions, x, provenance")
    func framesOrderAndData() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let path = scratch.file("models.mp4"), dataPath = scratch.file("models.json")
        var drawn: [[UInt8]] = []
        let summary = try Self.job([folder], out: path, data: dataPath).run(
            renderer: SharedFixtures.renderer(), command: ["mazerender", "animate"], progress: nil, cancellation: nil,
            frameObserver: { pixels, _ in drawn.append(Array(pixels)) })
        let probe = try VideoProbe(path: path)
        #expect(probe.frameCount == 3 && summary.frames == 3 && drawn.count == 3)
        #expect(probe.width == summary.width && probe.height == summary.height && summary.fps == 2)
        let decoded = try AnimationFixtures.decodedFrames(path)
        #expect(decoded.count == 3)
        for (index, frame) in decoded.enumerated() {
            #expect(AnimationFixtures.psnr(frame, drawn[index], width: summary.width, rows: 0..<summary.height) >= 30, "frame \(index)")
        }
        // Frames differ from one model to the next (caption, chart), even between identical checkpoints.
        #expect(drawn[1] != drawn[2] && drawn[0] != drawn[1])

        let data = try AnimationFixtures.json(dataPath)
        #expect(data["mode"] as? String == "models")
        #expect((data["x_axis"] as? String)?.contains("ckpt_step_N.pth") == true)
        let models = try #require(data["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == Self.names)
        #expect(models.map { $0["x"] as? Double } == [2, 10, 30])
        for (index, model) in models.enumerated() {
            let caption = model["caption"] as? String ?? ""
            #expect(caption.hasPrefix("model \(index + 1) of 3: \(Self.names[index])\nsha256 "), "\(caption)")
        }
        // The same bytes under two names: the same SHA-256, success and cells; the reference model differs.
        #expect(models[1]["sha256"] as? String == models[2]["sha256"] as? String)
        #expect(models[0]["sha256"] as? String != models[1]["sha256"] as? String)
        #expect(NSDictionary(dictionary: models[1]["success"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: models[2]["success"] as? [String: Any] ?? [:]))
        #expect(NSArray(array: models[1]["seeds"] as? [Any] ?? []) == NSArray(array: models[2]["seeds"] as? [Any] ?? []))
        for model in models {
            let success = try #require(model["success"] as? [String: Any])
            let reached = try #require(success["reached"] as? Int), n = try #require(success["n"] as? Int)
            #expect(n == 3 && (0...n).contains(reached))
            let estimate = try #require(success["estimate"] as? Double)
            #expect(abs(estimate - Double(reached) / Double(n)) < 1e-12)
            #expect((success["lower"] as? Double ?? 2) <= estimate && estimate <= (success["upper"] as? Double ?? -1))
            #expect(success["method"] as? String != nil)
        }
        let info = try OutputInfo.read(path: path)
        let listed = try #require(info.first { $0.key == "Model" }?.value)
        #expect(listed.hasPrefix("3 models: "))
        let positions = Self.names.map { listed.range(of: $0 + " (sha256")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions == positions.sorted { $0! < $1! }, "\(listed)")
        #expect(info.contains { $0.key == "Seeds" && $0.value == "0" })
    }

    @Test("each model's cells equal vfield's with that checkpoint (|dp| <= 1e-5); P(toward cheese) from those cells")
    func fieldsEqualSingleModel() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let dataPath = scratch.file("models.json")
        _ = try Self.job([folder], out: scratch.file("models.gif"), data: dataPath).run(renderer: SharedFixtures.renderer())
        let models = try #require(try AnimationFixtures.json(dataPath)["models"] as? [[String: Any]])
        for model in models {
            let path = try #require(model["path"] as? String)
            let context = JobContext(model: try ModelLocator.load(contentsOf: URL(fileURLWithPath: path)),
                                     renderer: try SharedFixtures.renderer())
            let single = scratch.file("single.json")
            _ = try FigureJob(template: FigureJobs.vectorFieldTemplate(seed: 0), out: single).run(in: context)
            let expected = try #require(try AnimationFixtures.json(single)["cells"] as? [[String: Any]])
            let seed = try #require((model["seeds"] as? [[String: Any]])?.first)
            let cells = try #require(seed["cells"] as? [[String: Any]])
            let largest = try AnimationFixtures.largestDifference(cells, expected)
            #expect(largest <= 1e-5, "\(path): max |dp| \(largest)")
            if let square = seed["decision_square"] as? [Int], let pCheese = seed["p_cheese"] as? Double {
                let cell = try #require(cells.first { $0["x"] as? Int == square[0] && $0["y"] as? Int == square[1] })
                let probs = try #require(cell["probs"] as? [String: Double])
                #expect(probs.values.contains { abs($0 - pCheese) < 1e-6 })
                // One seed: the mean over the seeds is that seed's probability.
                #expect(abs((model["decision_square_p_cheese_mean"] as? Double ?? -1) - pCheese) < 1e-6)
            }
        }
    }

    @Test("x is the model's place when the names' numbers do not rise in the order given")
    func indexAxis() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let dataPath = scratch.file("models.json")
        let summary = try Self.job([folder + "/ckpt_step_30.pth", folder + "/ckpt_step_2.pth"],
                                   out: scratch.file("two.webm"), data: dataPath).run(renderer: SharedFixtures.renderer())
        let frameCount = try VideoProbe(path: scratch.file("two.webm")).frameCount
        #expect(summary.frames == 2 && frameCount == 2)
        let data = try AnimationFixtures.json(dataPath)
        let models = try #require(data["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["ckpt_step_30.pth", "ckpt_step_2.pth"])
        #expect(models.map { $0["x"] as? Double } == [1, 2])
        #expect((data["x_axis"] as? String)?.hasPrefix("model (1 ... 2") == true)
    }

    @Test("bad model lists are refused before anything is written, naming the file or folder", arguments: [
        "damaged", "missing", "empty folder", "no checkpoint", "levels 0", "seven seeds",
    ])
    func badModels(_ name: String) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let out = scratch.file("out/bad.mp4"), data = scratch.file("out/bad.json")
        try FileManager.default.createDirectory(atPath: scratch.file("out"), withIntermediateDirectories: true)
        var checkpoints = [folder]
        var expected = (setting: JobSetting.models, word: folder)
        switch name {
        case "damaged":
            try "oops".write(toFile: folder + "/ckpt_step_5.pth", atomically: true, encoding: .utf8)
            expected.word = folder + "/ckpt_step_5.pth"
        case "missing":
            checkpoints = [folder + "/ckpt_step_2.pth", scratch.file("nope.pth")]
            expected.word = scratch.file("nope.pth")
        case "empty folder":
            try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: true)
            checkpoints = [scratch.file("empty")]
            expected.word = scratch.file("empty")
        case "no checkpoint":
            checkpoints = []
            expected.word = "checkpoint"
        default:
            break
        }
        var job = Self.job(checkpoints, out: out, data: data)
        if name == "levels 0" { job.mode = .models(AnimationJob.ModelSeries(checkpoints: checkpoints, levels: 0)); expected = (.levels, "0") }
        if name == "seven seeds" { job.seeds = Array(0..<7); expected = (.seeds, "7") }
        #expect { try job.run(renderer: SharedFixtures.renderer()) } throws: { error in
            guard let error = error as? JobError else { return false }
            return error.setting == expected.setting && error.description.contains(expected.word) && !error.description.contains("\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("out")) == [])
    }
}
