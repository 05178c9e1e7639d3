import Foundation
import Glibc
import JobSupport
import TestSupport
import Testing

extension InterruptTests {
    @Test("SIGTERM during stats --models: the finished model's folder and a run.json listing it stay, the rest goes; --overwrite clears it")
    func signalDuringModels() throws {
        guard Self.executable != nil else { Issue.record("mazerender executable not found"); return }
        let scratch = try ScratchFolder(), logs = try ScratchFolder()
        defer { scratch.remove(); logs.remove() }
        let models = try scratch.folder("checkpoints", copying: [("a_1.pth", PackagePaths.bundledModel),
                                                                 ("b_2.pth", PackagePaths.bundledModel)])
        let out = scratch.file("out")
        let assets = ["--assets", SharedFixtures.assetDirectory]
        let pid = try Self.spawnWithDefaultSignals(["stats", "--seeds", "0..59", "--models", models, "--out", out] + assets,
                                                   errorPath: logs.file("stderr.txt"))
        // The second model has started: its journal exists.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, !FileManager.default.fileExists(atPath: out + "/b_2.pth/seeds.partial.csv") { usleep(20_000) }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status & 0x7F == SIGTERM, "wait status \(status)")

        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as? [String: Any])
        let listed = try #require(manifest["files"] as? [String])
        #expect(manifest["finished"] is NSNull)
        #expect(listed.contains("a_1.pth/seeds.csv") && listed.allSatisfy { $0.hasPrefix("a_1.pth/") }, "\(listed)")
        #expect(RunFolder.files(in: out) == listed + ["run.json"], "\(RunFolder.files(in: out))")
        #expect(!FileManager.default.fileExists(atPath: out + "/b_2.pth"))

        let again = try Self.start(["stats", "--seeds", "0..2", "--models", models + "/b_2.pth", "--out", out, "--overwrite"] + assets)
        again.process.waitUntilExit()
        #expect(again.process.terminationStatus == 0, "\(again.stderrLines())")
        #expect(!FileManager.default.fileExists(atPath: out + "/a_1.pth"))
        #expect(FileManager.default.fileExists(atPath: out + "/b_2.pth/seeds.csv") && FileManager.default.fileExists(atPath: out + "/models.csv"))
    }
}
