import AnimationJobs
import ArgumentParser
import Foundation
import JobSupport
import MazerenderCLI
import TestSupport
import Testing
import VideoEncoding

/// `mazerender animate --models` on the command line: defaults, refusals in option names, and a whole run whose
/// success rates are `evaluate --model`'s on the same levels.
@Suite("animate --models: parsing, refusals, evaluate's numbers", .serialized)
struct AnimateModelsCommandTests {
    /// The reference checkpoint as `ckpt_step_2.pth`, the bundled agent as `ckpt_step_10.pth`.
    static func checkpoints(_ scratch: ScratchFolder) throws -> String {
        try scratch.folder("checkpoints", copying: [("ckpt_step_10.pth", PackagePaths.bundledModel),
                                                   ("ckpt_step_2.pth", SharedFixtures.modelPath)])
    }

    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--assets", SharedFixtures.assetDirectory])
    }

    /// The usage error's line for `arguments` (parsing or running), or nil when they succeed.
    static func usageError(_ arguments: [String]) -> String? {
        do {
            try run(arguments)
            return nil
        } catch {
            #expect(Mazerender.exitCode(for: error) == .validationFailure, "\(arguments): \(error)")
            return Mazerender.message(for: error)
        }
    }

    @Test("--models: 2 frames per second and 50 levels unless told; the checkpoints as given")
    func defaults() throws {
        let command = try #require(try Mazerender.parseAsRoot(["animate", "--models", "a.pth", "dir", "--out", "m.mp4"]) as? AnimateCommand)
        let job = try command.job
        guard case let .models(series) = job.mode else { Issue.record("not --models"); return }
        #expect(series.checkpoints == ["a.pth", "dir"] && series.levels == 50 && series.maxSteps == 256)
        #expect(job.fps == 2 && job.seeds == [0])
        let told = try #require(try Mazerender.parseAsRoot(["animate", "--models", "a.pth", "--levels", "7", "--fps", "5",
                                                            "--max-steps", "30", "--out", "m.gif"]) as? AnimateCommand).job
        guard case let .models(other) = told.mode else { Issue.record("not --models"); return }
        #expect(other.levels == 7 && other.maxSteps == 30 && told.fps == 5)
    }

    @Test("refusals name the options, one line, exit 64", arguments: [
        (["--models", "a.pth", "--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "3"], ["--sweep", "--models"]),
        (["--models", "a.pth", "--rollout"], ["--rollout", "--models"]),
        (["--models", "a.pth", "--patch", "cheese"], ["--patch", "--models"]),
        (["--models", "a.pth", "--frames", "3"], ["--frames", "--models"]),
        (["--rollout", "--levels", "5"], ["--levels", "--models"]),
        (["--models", "a.pth", "--levels", "0"], ["--levels"]),
        (["--models", "a.pth", "--model", "b.pth"], ["--model", "--models"]),
        (["--models", "a.pth", "--seeds", "0..6"], ["--seeds"]),
    ])
    func refusals(_ arguments: [String], _ words: [String]) throws {
        let line = try #require(Self.usageError(["animate", "--out", "/tmp/never.mp4"] + arguments), "\(arguments) ran")
        for word in words { #expect(line.contains(word), "\(arguments): \(line)") }
        #expect(!line.contains("\n"))
    }

    @Test("bad checkpoints stop the run before any file is written, naming the file and --models")
    func badCheckpoints() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        try "oops".write(toFile: folder + "/ckpt_step_5.pth", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: true)
        for (items, word) in [([folder], folder + "/ckpt_step_5.pth"), ([scratch.file("nope.pth")], scratch.file("nope.pth")),
                              ([scratch.file("empty")], scratch.file("empty"))] {
            let line = try #require(Self.usageError(["animate", "--models"] + items + [
                "--out", scratch.file("m.mp4"), "--data", scratch.file("m.json")]))
            #expect(line.hasPrefix("--models ") && line.contains(word), "\(line)")
        }
        #expect(try scratch.contents() == ["checkpoints", "empty"])
    }

    @Test("a GIF of two models, step 2 first; success equals evaluate --model on the same levels; fields equal vfield's")
    func wholeRun() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let data = scratch.file("m.json")
        try Self.run(["animate", "--models", folder, "--seeds", "0", "--levels", "3", "--max-steps", "64", "--size", "96",
                      "--out", scratch.file("m.gif"), "--data", data])
        #expect(try VideoProbe(path: scratch.file("m.gif")).frameCount == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data))) as? [String: Any])
        let models = try #require(object["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["ckpt_step_2.pth", "ckpt_step_10.pth"])
        for model in models {
            let path = try #require(model["path"] as? String), name = try #require(model["model"] as? String)
            let evaluation = scratch.file("evaluate-\(name).json")
            try Self.run(["evaluate", "--model", path, "--in-distribution-seeds", "1000000..1000002", "--seeds", "0",
                          "--decision-seeds", "0", "--max-steps", "64", "--json", evaluation])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: evaluation))) as? [String: Any])
            let expected = try #require(report["in_distribution"] as? [String: Any])
            let success = try #require(model["success"] as? [String: Any])
            #expect(success["reached"] as? Int == expected["reached"] as? Int, "\(name)")
            #expect(success["n"] as? Int == expected["total"] as? Int, "\(name)")

            let single = scratch.file("vfield-\(name).json")
            try Self.run(["vfield", "--model", path, "--seed", "0", "--out", single])
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: single))) as? [String: Any])
            let expectedCells = try #require(reference["cells"] as? [[String: Any]])
            let cells = try #require((model["seeds"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]])
            #expect(cells.count == expectedCells.count)
            var largest = 0.0
            for (cell, other) in zip(cells, expectedCells) {
                let p = try #require(cell["probs"] as? [String: Double]), q = try #require(other["probs"] as? [String: Double])
                for key in p.keys { largest = max(largest, abs(p[key]! - (q[key] ?? .infinity))) }
            }
            #expect(largest <= 1e-5, "\(name): max |dp| \(largest)")
        }
    }
}
