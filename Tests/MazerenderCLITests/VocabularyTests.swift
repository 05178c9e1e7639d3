import ArgumentParser
import Foundation
import MazerenderCLI
import TestSupport
import Testing

/// One option name per concept, and usage errors as one line with exit status 64, read as a user reads them:
/// from `--help` and from the program's stderr.
@Suite("one vocabulary")
struct VocabularyTests {
    static func help(_ subcommand: [String]) throws -> String {
        let command = try #require(Mazerender.configuration.subcommands.first { $0.configuration.commandName == subcommand[0] })
        var type: ParsableCommand.Type = command
        for name in subcommand.dropFirst() {
            type = try #require(type.configuration.subcommands.first { $0.configuration.commandName == name })
        }
        return Mazerender.helpMessage(for: type, columns: 400)
    }

    /// Long option names a help text lists (`--max-steps`), each once.
    static func options(in help: String) -> Set<String> {
        var found = Set<String>()
        let scanner = help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "[" || $0 == "]" || $0 == "(" || $0 == ")" })
        for word in scanner where word.hasPrefix("--") {
            found.insert(String(word.prefix { $0 == "-" || $0.isLetter || $0.isNumber }))
        }
        return found
    }

    @Test("the random seed is --random-seed, the level generator --generator, channel lists --channels")
    func names() throws {
        for command in ["channels", "scrub", "probe", "dataset"] {
            let listed = Self.options(in: try Self.help([command]))
            #expect(listed.contains("--random-seed"), "\(command)")
            #expect(!listed.contains("--seed") && !listed.contains("--sampling-seed"), "\(command) still lists another name for the random seed")
        }
        for command in ["maze", "vfield", "heatmap", "rollout", "retarget", "probe", "dataset"] {
            let listed = Self.options(in: try Self.help(command.split(separator: " ").map(String.init)))
            #expect(listed.contains("--generator"), "\(command)")
            #expect(!listed.contains("--variant"), "\(command) lists --variant beside --generator")
        }
        let heatmap = Self.options(in: try Self.help(["heatmap"]))
        #expect(heatmap.contains("--channels") && !heatmap.contains("--channel"))
        // Figure commands list no option they always refuse.
        for command in ["vfield", "vfield-diff", "heatmap", "value-map"] {
            let listed = Self.options(in: try Self.help([command]))
            #expect(!listed.contains("--mouse"), "\(command) lists --mouse")
            #expect(listed.contains("--cheese"), "\(command)")
        }
        for command in ["vfield", "vfield-diff", "heatmap", "figure"] {
            let listed = Self.options(in: try Self.help([command]))
            #expect(listed.contains("--title") && listed.contains("--size"), "\(command)")
        }
    }

    @Test("old names: --variant and --channel still read; --seed on a random-seed command is refused naming --random-seed")
    func formerNames() throws {
        #expect(throws: Never.self) { try Mazerender.parseAsRoot(["maze", "--seeds", "0", "--variant", "aisc"]) }
        #expect(throws: Never.self) { try Mazerender.parseAsRoot(["heatmap", "--seed", "0", "--channel", "3", "--out", "/tmp/h.png"]) }
        for command in ["channels", "scrub", "probe"] {
            do {
                _ = try Mazerender.parseAsRoot([command, "--seeds", "0..3", "--seed", "4", "--out", "/tmp/never"])
                Issue.record("\(command) --seed was accepted")
            } catch {
                #expect(Mazerender.exitCode(for: error).rawValue == 64)
                #expect(Mazerender.message(for: error).contains("--random-seed"), "\(Mazerender.message(for: error))")
            }
        }
    }

    @Test("usage errors from the program: one line on stderr, exit 64, options named, no template wording, no doubled prefix",
          .tags(.slow), SlowTests.trait)
    func oneLine() throws {
        guard InterruptTests.executable != nil else { Issue.record("mazerender executable not found"); return }
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let cases: [(arguments: [String], naming: String)] = [
            (["vfield", "--seed", "0", "--patch", "bogus", "--out", scratch.file("a.png")], "--patch 'bogus'"),
            (["heatmap", "--seed", "0", "--channels", "99", "--out", scratch.file("b.png")], "--channels 99"),
            (["heatmap", "--seed", "0", "--layer", "embedder.block2.res1.resad_out", "--channels", "1", "--out", scratch.file("c.png")],
             "did you mean 'embedder.block2.res1.resadd_out'"),
            (["vfield", "--seed", "0", "--mouse", "1,1", "--out", scratch.file("d.png")], "--mouse"),
            (["rollout", "--seeds", "0", "--out", scratch.file("e.avi")], "--out"),
            (["scrub", "--seeds", "0..3", "--seed", "2", "--out", scratch.file("f")], "--random-seed"),
            (["stats", "--seeds", "0..1", "--max-steps", "0", "--out", scratch.file("g")], "--max-steps 0"),
        ]
        for (arguments, naming) in cases {
            let run = try InterruptTests.start(arguments)
            run.process.waitUntilExit()
            let lines = run.stderrLines()
            #expect(run.process.terminationStatus == 64, "\(arguments): exit \(run.process.terminationStatus)")
            #expect(lines.count == 1, "\(arguments): \(lines)")
            let line = lines.first ?? ""
            #expect(line.hasPrefix("Error: ") && line.contains(naming), "\(arguments): \(line)")
            #expect(!line.contains("panels["), "\(line)")
            #expect(!line.contains("patch 'bogus': patch"), "\(line)")
        }
        #expect(try scratch.contents().isEmpty)
        let version = try InterruptTests.start(["--version"])
        version.process.waitUntilExit()
        #expect(version.process.terminationStatus == 0)
    }
}
