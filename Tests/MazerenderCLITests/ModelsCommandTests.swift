import ArgumentParser
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JobSupport
import MazerenderCLI
import TestSupport
import Testing

/// `--models` on the command line: parsing, refusals in option names, and whole runs in-process.
@Suite("--models: evaluate and stats over several checkpoints", .serialized)
struct ModelsCommandTests {
    /// A folder with the bundled agent under two names (identical SHA-256), `b_2` before `a_10`.
    static func checkpoints(_ scratch: ScratchFolder) throws -> String {
        try scratch.folder("checkpoints", copying: [("a_10.pth", PackagePaths.bundledModel), ("b_2.pth", PackagePaths.bundledModel)])
    }

    /// The usage error's line for `arguments` (parsing or running), or nil when they succeed.
    static func usageError(_ arguments: [String]) -> String? {
        do {
            try Mazerender.run(arguments: arguments + ["--assets", SharedFixtures.assetDirectory])
            return nil
        } catch {
            #expect(Mazerender.exitCode(for: error) == .validationFailure, "\(arguments): \(error)")
            return Mazerender.message(for: error)
        }
    }

    @Test("--models takes files and folders; with --model, --plot alone, --resume or --shard it is refused")
    func parsing() throws {
        // Files are checked when the command runs, not while parsing.
        _ = try Mazerender.parseAsRoot(["evaluate", "--models", "a.pth", "b.pth", "--max-steps", "9", "--plot", "p.svg"])
        _ = try Mazerender.parseAsRoot(["stats", "--seeds", "0..3", "--models", "dir", "--out", "r"])
        for (arguments, words) in [
            (["evaluate", "--model", "x.pth", "--models", "y.pth"], ["--model x.pth", "--models"]),
            (["evaluate", "--plot", "p.png"], ["--plot", "--models"]),
            (["stats", "--seeds", "0..3", "--out", "r", "--models", "y.pth", "--resume"], ["--resume", "--models", "--overwrite"]),
            (["stats", "--seeds", "0..3", "--out", "r", "--models", "y.pth", "--shard", "1/2"], ["--models", "merge"]),
            (["stats", "--seeds", "0..3", "--out", "r", "--model", "x.pth", "--models", "y.pth"], ["--model x.pth", "--models"]),
        ] {
            let line = try #require(Self.usageError(arguments), "\(arguments) ran")
            for word in words { #expect(line.contains(word), "\(arguments): \(line)") }
        }
    }

    @Test("a bad checkpoint stops the run before any work, naming the file and --models (exit 64)")
    func badCheckpoint() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        try "oops".write(toFile: folder + "/c_5.pth", atomically: true, encoding: .utf8)
        for arguments in [["evaluate", "--models", folder, "--json", scratch.file("r.json")],
                          ["stats", "--seeds", "0..2", "--models", folder, "--out", scratch.file("out")]] {
            let line = try #require(Self.usageError(arguments), "\(arguments) ran")
            #expect(line.hasPrefix("--models ") && line.contains(folder + "/c_5.pth"), "\(line)")
        }
        #expect(try scratch.contents() == ["checkpoints"])
        let missing = try #require(Self.usageError(["evaluate", "--models", scratch.file("nope.pth")]))
        #expect(missing.contains(scratch.file("nope.pth")) && missing.contains("no such file"))
    }

    @Test("evaluate --models writes the table's JSON and the plot; the same checkpoint twice gives equal rows")
    func evaluate() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        let json = scratch.file("models.json"), plot = scratch.file("models.svg")
        try Mazerender.run(arguments: [
            "evaluate", "--models", folder, "--seeds", "0..2", "--in-distribution-seeds", "1000000..1000001",
            "--decision-seeds", "0..3", "--max-steps", "32", "--json", json, "--plot", plot,
            "--assets", SharedFixtures.assetDirectory,
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let models = try #require(object["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["b_2.pth", "a_10.pth"])
        #expect(models[0]["sha256"] as? String == models[1]["sha256"] as? String)
        for key in ["in_distribution", "cheese_anywhere", "top_right_first", "decision_square"] {
            #expect(NSDictionary(dictionary: models[0][key] as? [String: Any] ?? [:])
                    == NSDictionary(dictionary: models[1][key] as? [String: Any] ?? [:]), "\(key)")
        }
        #expect(XMLParser(contentsOf: URL(fileURLWithPath: plot))!.parse())
    }

    @Test("stats --models: a re-run is refused, --overwrite replaces exactly the earlier run's files")
    func statsFolder() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let folder = try Self.checkpoints(scratch)
        try RunFolderCommandTests().check(
            "stats --models", larger: ["stats", "--seeds", "0..5", "--max-steps", "32", "--models", folder],
            smaller: ["stats", "--seeds", "0..2", "--max-steps", "32", "--models", folder + "/b_2.pth"],
            run: { try Mazerender.run(arguments: $0 + ["--assets", SharedFixtures.assetDirectory]) })
    }
}
