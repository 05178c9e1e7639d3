import Foundation
import JobSupport
import OutputFiles
import Testing
import TestSupport

@Suite("a folder is one run: run.json lists the run's files; used folders are refused or cleared exactly")
struct RunFolderTests {
    static let provenance = Provenance(command: ["mazerender", "scrub", "--seeds", "0..9"], model: "/m/agent.pth",
                                       modelSHA256: String(repeating: "ab", count: 32))

    static func open(_ path: String, _ existing: ExistingOutput = .refuse) throws -> RunFolder {
        try RunFolder(path, job: "scrub", settings: .object([("seeds", "0..9")]), provenance: provenance,
                      existing: existing)
    }

    static func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func manifest(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aFinishedRunRecordsItsMakingAndExactlyItsFiles() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        let folder = try Self.open(out)
        let unfinished = try Self.manifest(out)
        #expect(unfinished["finished"] is NSNull)
        try Self.write("a", out + "/a.csv")
        try Self.write("b", out + "/plots/b.svg")
        try folder.finish()
        let manifest = try Self.manifest(out)
        #expect(manifest["mazerender"] as? String == MazerenderVersion.string)
        #expect(manifest["command"] as? String == "mazerender scrub --seeds 0..9")
        #expect(manifest["job"] as? String == "scrub")
        #expect((manifest["model"] as? [String: Any])?["sha256"] as? String == Self.provenance.modelSHA256)
        #expect((manifest["settings"] as? [String: Any])?["seeds"] as? String == "0..9")
        #expect(manifest["files"] as? [String] == ["a.csv", "plots/b.svg"])
        let started = try #require(manifest["started"] as? String), finished = try #require(manifest["finished"] as? String)
        #expect(started.hasSuffix("Z") && finished >= started)
    }

    @Test func aUsedFolderIsRefusedWithOneLineSayingWhatToDo() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        let first = try Self.open(out)
        try Self.write("a", out + "/a.csv")
        try first.finish()
        let error = try #require(throws: JobError.self) { try Self.open(out) }
        #expect(error.setting == .out)
        #expect(error.description.contains("holds an earlier run") && error.description.contains("overwrite"))
        #expect(!error.description.contains("\n"))

        let foreign = scratch.file("mine")
        try Self.write("notes", foreign + "/notes.txt")
        let other = try #require(throws: JobError.self) { try Self.open(foreign) }
        #expect(other.description.contains("none made by a mazerender run"))
        // --overwrite cannot tell a user's files from a run's without run.json: refused, nothing removed.
        #expect(throws: JobError.self) { try Self.open(foreign, .overwrite) }
        #expect(FileManager.default.fileExists(atPath: foreign + "/notes.txt"))
    }

    @Test func overwriteRemovesExactlyTheEarlierRunsFiles() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        let first = try Self.open(out)
        for name in ["a.csv", "plots/seed-1.png", "plots/seed-2.png", "heatmaps/x/seed-9.png"] { try Self.write("1", out + "/" + name) }
        try first.finish()
        try Self.write("mine", out + "/notes.txt")

        let second = try Self.open(out, .overwrite)
        #expect(RunFolder.files(in: out) == ["notes.txt", "run.json"])
        #expect(!FileManager.default.fileExists(atPath: out + "/heatmaps"))
        try Self.write("2", out + "/a.csv")
        try Self.write("2", out + "/plots/seed-1.png")
        try second.finish()
        #expect(try Self.manifest(out)["files"] as? [String] == ["a.csv", "plots/seed-1.png"])
        #expect(RunFolder.files(in: out) == ["a.csv", "notes.txt", "plots/seed-1.png", "run.json"])
    }

    @Test func aCorruptManifestIsCalledCorruptAndNothingIsRemoved() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        try Self.write("{\"files\": 3", out + "/run.json")
        try Self.write("1", out + "/a.csv")
        let error = try #require(throws: JobError.self) { try Self.open(out, .overwrite) }
        #expect(error.description.contains("corrupt"))
        #expect(RunFolder.files(in: out) == ["a.csv", "run.json"])
    }

    @Test func aManifestCannotMakeOverwriteRemoveFilesOutsideTheFolder() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        try Self.write("keep", scratch.file("outside.txt"))
        try Self.write("{\"files\": [\"../outside.txt\", \"/etc/hostname\", \"a.csv\"]}", out + "/run.json")
        try Self.write("1", out + "/a.csv")
        let folder = try Self.open(out, .overwrite)
        folder.abandonIfUnfinished()
        #expect(FileManager.default.fileExists(atPath: scratch.file("outside.txt")))
        #expect(!FileManager.default.fileExists(atPath: out + "/a.csv"))
    }

    @Test func aFailedRunRemovesWhatItWroteAndTheFolderItMade() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("deep/run")
        do {
            let folder = try Self.open(out)
            defer { folder.abandonIfUnfinished() }
            try Self.write("partial", out + "/plots/p.png")
        }
        #expect(!FileManager.default.fileExists(atPath: out))

        // A kept journal keeps run.json too, so the run can be resumed; the rest goes.
        let resumable = scratch.file("resumable")
        do {
            let folder = try Self.open(resumable)
            defer { folder.abandonIfUnfinished(keeping: ["seeds.partial.csv"]) }
            try Self.write("rows", resumable + "/seeds.partial.csv")
            try Self.write("plot", resumable + "/plot.png")
        }
        #expect(RunFolder.files(in: resumable) == ["run.json", "seeds.partial.csv"])
        let resumed = try Self.open(resumable, .resume)
        try resumed.finish()
        #expect(try Self.manifest(resumable)["files"] as? [String] == ["seeds.partial.csv"])
    }

    @Test("record() lists the parts finished so far in the unfinished run.json, so overwrite can clear them")
    func recordListsFinishedParts() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let out = scratch.file("run")
        do {
            let folder = try Self.open(out)
            try Self.write("a", out + "/a.pth/seeds.csv")
            try folder.record()
            // As a signal would leave it: run.json and the first part.
        }
        let manifest = try Self.manifest(out)
        #expect(manifest["finished"] is NSNull && manifest["files"] as? [String] == ["a.pth/seeds.csv"])
        let again = try Self.open(out, .overwrite)
        #expect(RunFolder.files(in: out) == ["run.json"])
        try again.finish()
    }

    @Test func seedsAreRecordedAsCompactRanges() {
        #expect(RunSettings.seedsText([0, 1, 2, 3, 7, 9, 10]) == "0..3,7,9,10")
        #expect(RunSettings.seedsText([5]) == "5")
        #expect(RunSettings.seedsText([]) == "")
        #expect(RunSettings.seedsText([Int32.max - 2, Int32.max - 1, Int32.max]) == "2147483645..2147483647")
    }
}
