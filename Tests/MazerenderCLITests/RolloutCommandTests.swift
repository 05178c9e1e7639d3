import ArgumentParser
import Foundation
import JobSupport
import MazerenderCLI
import TestSupport
import Testing
import VideoJobs

/// `mazerender rollout` parsing, in process: defaults, `--sample [SEED]`, variants, and the checks made before any work.
@Suite("rollout command parsing")
struct RolloutCommandTests {
    static let model = SharedFixtures.modelPath

    func parse(_ arguments: [String]) throws -> RolloutCommand {
        let command = try Mazerender.parseAsRoot(["rollout"] + arguments)
        return try #require(command as? RolloutCommand)
    }

    /// The message and exit code argument-parser would print for `arguments`.
    func failure(_ arguments: [String]) -> (message: String, code: Int32) {
        do {
            _ = try Mazerender.parseAsRoot(["rollout"] + arguments)
            return ("", 0)
        } catch {
            return (Mazerender.message(for: error), Mazerender.exitCode(for: error).rawValue)
        }
    }

    @Test("defaults: seeds 0..20, 10 fps, 256 steps, original vs cheese vector, argmax, sequential")
    func defaults() throws {
        let command = try parse(["--out", "/tmp/video.mp4", "--model", Self.model])
        let job = try command.job
        #expect(job.seeds == Array(0...20))
        #expect(job.fps == 10 && job.maxSteps == 256 && job.panelSide == 384)
        #expect(job.variants.map(\.name) == ["original", "cheese:coeff=-1"])
        #expect(job.variants[1].patches.first?.kind == .cheese && job.variants[1].patches.first?.coeff == -1)
        #expect(job.selection == .argmax)
        #expect(job.layout == .sequential)
    }

    @Test("--sample alone samples with seed 0; --sample N with seed N")
    func sample() throws {
        let bare = try parse(["--out", "/tmp/v.mp4", "--model", Self.model, "--sample"])
        #expect(try bare.job.selection == .sample(seed: 0))
        let seeded = try parse(["--out", "/tmp/v.mp4", "--sample", "5", "--model", Self.model])
        #expect(try seeded.job.selection == .sample(seed: 5))
        let beforeOption = try parse(["--sample", "--out", "/tmp/v.mp4", "--model", Self.model])
        #expect(try beforeOption.job.selection == .sample(seed: 0))
    }

    @Test("several variants, named ones and composed patches; grid layout with its smaller panels")
    func variants() throws {
        let command = try parse(["--out", "/tmp/v.gif", "--model", Self.model, "--layout", "grid", "--variants", "original",
                                 "cheese vector=cheese:coeff=-1", "top-right:coeff=1;ablate:channels=55",
                                 "--seeds", "0..3"])
        let job = try command.job
        #expect(job.variants.map(\.name) == ["original", "cheese vector", "top-right:coeff=1;ablate:channels=55"])
        #expect(job.variants[2].patches.map(\.kind) == [.topRight, .ablate])
        #expect(job.panelSide == 256 && job.layout == .grid && job.seeds == [0, 1, 2, 3])
    }

    @Test("usage errors name the option and exit 64", arguments: [
        (["--out", "/tmp/v.avi"], "--out"),
        (["--out", "/nonexistent-dir/v.mp4"], "does not exist"),
        (["--out", "/tmp/v.mp4", "--size", "301"], "--size"),
        (["--out", "/tmp/v.mp4", "--fps", "0"], "--fps"),
        (["--out", "/tmp/v.mp4", "--max-steps", "0"], "--max-steps"),
        (["--out", "/tmp/v.mp4", "--variants", "cheese:coef=-1"], "coef"),
        (["--out", "/tmp/v.mp4", "--layout", "diagonal"], "diagonal"),
    ])
    func usageErrors(arguments: [String], expected: String) {
        let (message, code) = failure(arguments + ["--model", Self.model])
        #expect(code == 64)
        #expect(message.contains(expected), "\(message)")
    }

    @Test("without a bundled agent --model is required, and the message says so")
    func modelRequired() throws {
        do {
            _ = try ModelLocator.modelURL(explicit: nil, fallback: nil)
            Issue.record("a model was found without --model and without a default agent")
        } catch {
            #expect(error.text(naming: { "<\($0)>" }).contains("pass <model> FILE"), "\(error)")
            #expect(CommandFailure(error).description.contains("pass --model FILE"), "\(error)")
        }
    }

    @Test("an unreadable --model is a runtime error naming the file")
    func badModel() {
        #expect(throws: JobError.self) { try ModelLocator.loadNetwork(explicit: "/nonexistent/agent.pth") }
    }

    @Test("variant syntax", arguments: [
        ("original", "original", 0), ("cheese", "cheese", 1), ("cv=cheese:coeff=-2", "cv", 1),
        ("both=cheese;top-right", "both", 2), ("plain=original", "plain", 0),
    ])
    func variantSyntax(text: String, name: String, patches: Int) throws {
        let variant = try RolloutVariantSpec(parsing: text)
        #expect(variant.name == name && variant.patches.count == patches)
    }
}

/// Every setting a job can name is an option of some subcommand, under the name the CLI prints for it.
@Test("each job setting maps to an option the CLI has")
func everySettingIsAnOption() {
    var helps: [String] = []
    func collect(_ command: any ParsableCommand.Type) {
        helps.append(Mazerender.helpMessage(for: command))
        command.configuration.subcommands.forEach(collect)
    }
    collect(Mazerender.self)
    let all = helps.joined(separator: "\n")
    for setting in JobSetting.allCases {
        #expect(all.contains(setting.optionName + " ") || all.contains(setting.optionName + "\n")
                || all.contains(setting.optionName + ","), "\(setting) -> \(setting.optionName) is no option")
    }
}
