import AnimationJobs
import ArgumentParser
import Foundation
import JobSupport
import MazerenderCLI
import TestSupport
import Testing

/// `mazerender animate` parsing, in process: the two modes, their defaults, and every refusal one line naming
/// the option, exit 64, before any work.
@Suite("animate command parsing")
struct AnimateCommandTests {
    static let model = SharedFixtures.modelPath

    func parse(_ arguments: [String]) throws -> AnimateCommand {
        try #require(try Mazerender.parseAsRoot(["animate"] + arguments) as? AnimateCommand)
    }

    func failure(_ arguments: [String]) -> (message: String, code: Int32) {
        do {
            _ = try Mazerender.parseAsRoot(["animate"] + arguments)
            return ("", 0)
        } catch {
            return (Mazerender.message(for: error), Mazerender.exitCode(for: error).rawValue)
        }
    }

    @Test("--sweep: the parameter, range, frames, base patch and diff; seeds side by side")
    func sweep() throws {
        let job = try parse(["--sweep", "cheese:coeff", "--from", "-3", "--to", "3", "--frames", "25", "--seeds", "0,1",
                             "--patch", "cheese:source=5", "--diff", "--out", "/tmp/s.mp4", "--model", Self.model]).job
        guard case let .sweep(sweep) = job.mode else { Issue.record("not a sweep"); return }
        #expect(sweep.parameter.description == "cheese:coeff" && sweep.from == -3 && sweep.to == 3 && sweep.frames == 25)
        #expect(sweep.base?.source == 5 && sweep.diff)
        #expect(sweep.caption(at: 9) == "cheese coeff = -0.75")
        #expect(job.seeds == [0, 1] && job.fps == 10)
    }

    @Test("--rollout: patches, layer and channels; defaults")
    func rollout() throws {
        let job = try parse(["--rollout", "--patch", "cheese:coeff=-1", "--channels", "0,1", "--out", "/tmp/r.gif",
                             "--model", Self.model]).job
        guard case let .rollout(insides) = job.mode else { Issue.record("not a rollout"); return }
        #expect(insides.patches.map(\.description) == ["cheese:coeff=-1.0"])
        #expect(insides.layer == nil && insides.channels == "0,1" && insides.maxSteps == 256)
        #expect(job.seeds == [0])
    }

    @Test("refusals name the option and exit 64", arguments: [
        (["--out", "/tmp/a.mp4"], "--sweep"),
        (["--sweep", "cheese:coeff", "--rollout", "--out", "/tmp/a.mp4"], "--rollout"),
        (["--sweep", "cheese:coeff", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--from"),
        (["--sweep", "cheese:coeff", "--from", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--to"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--out", "/tmp/a.mp4"], "--frames"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "1", "--out", "/tmp/a.mp4"], "--frames"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "100000", "--out", "/tmp/a.mp4"], "--frames"),
        (["--sweep", "cheese:coeff", "--from", "1", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--to"),
        (["--sweep", "cheese:channels", "--from", "-1", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--sweep"),
        (["--sweep", "cheddar:coeff", "--from", "-1", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--sweep"),
        (["--sweep", "cheese:coeff", "--from", "x", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4"], "--from"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "5", "--patch", "top-right", "--out", "/tmp/a.mp4"], "--patch"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "5", "--out", "/tmp/a.png"], "--out"),
        (["--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "5", "--out", "/tmp/a.mp4", "--data", "/tmp/a.csv"], "--data"),
        (["--rollout", "--channels", "x9", "--out", "/tmp/a.mp4"], "--channels"),
        (["--rollout", "--frames", "5", "--out", "/tmp/a.mp4"], "--frames"),
        (["--rollout", "--seeds", "0..30", "--out", "/tmp/a.mp4"], "--seeds"),
        (["--rollout", "--size", "20", "--out", "/tmp/a.mp4"], "--size"),
        (["--rollout", "--fps", "0", "--out", "/tmp/a.mp4"], "--fps"),
        (["--rollout", "--out", "/tmp/a.mp4", "--data", "/tmp/a.mp4"], "--data"),
    ])
    func refusals(_ arguments: [String], _ option: String) {
        let (message, code) = failure(arguments + ["--model", Self.model])
        #expect(code == 64, "\(arguments): \(message)")
        #expect(message.contains(option), "\(arguments): \(message)")
        #expect(!message.contains("\n"), "\(arguments): \(message)")
    }
}
