import Foundation
import JobSupport
import MazerenderCLI
import OutputFiles
import TestSupport
import Testing

/// Every command that writes a folder, run twice into one folder: the second, smaller run (with `--overwrite`)
/// leaves no file of the first, and `run.json` lists exactly the files present.
@Suite("a folder is one run, for every folder command", .serialized, SlowTests.trait)
struct RunFolderCommandTests {
    static let agent = PackagePaths.root.appendingPathComponent(ModelLocator.bundledRelativePath).path

    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", agent, "--assets", SharedFixtures.assetDirectory])
    }

    static func manifest(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Runs `larger`, then `smaller` into the same folder: refused without `--overwrite`, then exact with it.
    func check(_ name: String, larger: [String], smaller: [String], fewerFiles: Bool = true,
               run: ([String]) throws -> Void = RunFolderCommandTests.run) throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("out")
        try run(larger + ["--out", out])
        let first = Set(RunFolder.files(in: out))
        #expect(Set(try Self.manifest(out)["files"] as? [String] ?? []).union(["run.json"]) == first, "\(name)")
        let command = try #require(try Self.manifest(out)["command"] as? String)
        #expect(command.hasPrefix(Provenance(command: ["mazerender"] + larger).commandLine), "\(name): \(command)")

        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        let refusal = try #require(throws: (any Error).self) { try run(smaller + ["--out", out]) }
        #expect("\(refusal)".contains("--overwrite"), "\(name): \(refusal)")
        #expect(Set(RunFolder.files(in: out)) == first.union(["notes.txt"]), "\(name): a refused run changed the folder")

        try run(smaller + ["--out", out, "--overwrite"])
        let second = Set(RunFolder.files(in: out))
        let listed = Set(try Self.manifest(out)["files"] as? [String] ?? [])
        #expect(listed.union(["run.json", "notes.txt"]) == second, "\(name): run.json lists \(listed.sorted()), folder holds \(second.sorted())")
        let leftovers = first.subtracting(listed).subtracting(["run.json"])
        #expect(leftovers.allSatisfy { !second.contains($0) }, "\(name): earlier run's \(leftovers.intersection(second).sorted()) left")
        if fewerFiles { #expect(!first.subtracting(second).isEmpty, "\(name): the smaller run should write fewer files") }
        #expect(second.contains("notes.txt"))
    }

    @Test func stats() throws {
        try check("stats", larger: ["stats", "--seeds", "0..29"], smaller: ["stats", "--seeds", "0..2"])
    }

    @Test func statsMerge() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        for shard in 1...2 {
            try Self.run(["stats", "--seeds", "0..29", "--shard", "\(shard)/2", "--out", scratch.file("s\(shard)")])
        }
        for shard in 1...2 {
            try Self.run(["stats", "--seeds", "0..2", "--shard", "\(shard)/2", "--out", scratch.file("t\(shard)")])
        }
        try check("stats merge", larger: ["stats", "merge", scratch.file("s1"), scratch.file("s2")],
                  smaller: ["stats", "merge", scratch.file("t1"), scratch.file("t2")], run: { try Mazerender.run(arguments: $0) })
    }

    @Test func channels() throws {
        try check("channels", larger: ["channels", "--seeds", "0..<40", "--top", "3", "--map-seeds", "2"],
                  smaller: ["channels", "--seeds", "0..<10", "--top", "3", "--map-seeds", "0"])
    }

    @Test func scrub() throws {
        try check("scrub", larger: ["scrub", "--seeds", "0..<20", "--channels", "24,13", "--pool", "1000000..<1001000"],
                  smaller: ["scrub", "--seeds", "0..<4", "--channels", "24,13", "--pool", "1000000..<1001000"], fewerFiles: false)
    }

    @Test func retarget() throws {
        try check("retarget", larger: ["retarget", "--seeds", "0..5", "--conditions", "normal", "--max-size", "11"],
                  smaller: ["retarget", "--seeds", "0..1", "--conditions", "normal", "--max-size", "11"])
    }

    @Test func probe() throws {
        let common = ["--seeds", "0..<80", "--argmax", "--max-steps", "40", "--targets", "cheese-x", "--splits", "1"]
        try check("probe", larger: ["probe", "--samples", "12", "--k", "1,2",
                                    "--layers", "embedder.block2.res1.resadd_out,embedder.block3.res2.resadd_out"] + common,
                  smaller: ["probe", "--samples", "10", "--k", "1", "--layers", "embedder.block2.res1.resadd_out"] + common)
    }

    @Test func dataset() throws {
        try check("dataset", larger: ["dataset", "--seeds", "0..9", "--cells-per-level", "3"],
                  smaller: ["dataset", "--seeds", "0..2", "--cells-per-level", "1"],
                  fewerFiles: false, run: { try Mazerender.run(arguments: $0 + ["--assets", SharedFixtures.assetDirectory]) })
    }

    @Test("a run that fails after making its folder leaves no folder and no partial file")
    func failedRunLeavesNothing() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("deep/out")
        // Neither level 0 nor 2 is 3x3: the dataset fails after its folder and files were opened.
        #expect(throws: (any Error).self) {
            try Mazerender.run(arguments: ["dataset", "--seeds", "0,2", "--maze-sizes", "3", "--out", out,
                                           "--assets", SharedFixtures.assetDirectory])
        }
        #expect(try scratch.contents().isEmpty)
    }
}
