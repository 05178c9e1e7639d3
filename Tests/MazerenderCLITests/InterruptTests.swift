import Foundation
import Glibc
import TestSupport
import Testing
#if canImport(Glibc)
#endif

/// The `mazerender` program as a user runs it: signals and concurrent runs never leave a file under the requested
/// name, nor a hidden temporary file.
@Suite("interrupted and concurrent runs of the program", .serialized, .tags(.slow), SlowTests.trait)
struct InterruptTests {
    /// The `mazerender` executable built beside this test bundle (`swift test` builds every product).
    static let executable: String? = {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mazerender").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : nil
    }()

    struct Run {
        let process: Process
        let errorPipe: Pipe
        func stderrLines() -> [String] {
            let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
    }

    static func start(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(executable, "mazerender is not built beside the tests"))
        process.arguments = arguments
        process.currentDirectoryURL = PackagePaths.root
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return Run(process: process, errorPipe: errorPipe)
    }

    /// Waits until `directory` holds a hidden temporary file (the video being written), at most `seconds`.
    static func waitForTemporaryFile(in directory: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: directory), names.contains(where: { $0.hasPrefix(".") }) {
                return true
            }
            usleep(20_000)
        }
        return false
    }

    /// Starts the program with SIGINT and SIGTERM at their default action and unblocked, whatever the test
    /// runner has set for itself (children inherit ignored signals and the signal mask), stderr into `errorPath`.
    static func spawnWithDefaultSignals(_ arguments: [String], errorPath: String) throws -> pid_t {
        let executable = try #require(executable, "mazerender is not built beside the tests")
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        try #require(code == 0, "posix_spawn failed: \(code)")
        return pid
    }

    @Test("SIGTERM or SIGINT during rollout: no video, no temporary file, one line, killed by that signal",
          arguments: [SIGTERM, SIGINT])
    func signalDuringRollout(signal: Int32) throws {
        guard Self.executable != nil else { Issue.record("mazerender executable not found"); return }
        let scratch = try ScratchFolder(), logs = try ScratchFolder()
        defer { scratch.remove(); logs.remove() }
        let out = scratch.file("v.mp4")
        let pid = try Self.spawnWithDefaultSignals(
            ["rollout", "--seeds", "0..20", "--out", out, "--model", SharedFixtures.modelPath],
            errorPath: logs.file("stderr.txt"))
        #expect(Self.waitForTemporaryFile(in: scratch.path, seconds: 60), "the rollout never started writing")
        usleep(300_000)
        kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let killedBy = status & 0x7F  // WTERMSIG; 0 means it exited normally
        #expect(killedBy == signal, "wait status \(status)")
        #expect(try scratch.contents().isEmpty)
        let text = (try? String(contentsOfFile: logs.file("stderr.txt"), encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(lines)")
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(lines.last == "mazerender: interrupted by \(name); unfinished output removed, nothing written to '\(out)'")
    }

    @Test("two runs writing the same --out at once leave one complete file")
    func concurrentRunsSameOutput() throws {
        guard Self.executable != nil else { Issue.record("mazerender executable not found"); return }
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let out = scratch.file("obs.npy")
        let runs = try [("0..<150", 0), ("150..<300", 1)].map { seeds, _ in
            try Self.start(["obs", "--seeds", seeds, "--out", out])
        }
        for run in runs { run.process.waitUntilExit() }
        #expect(runs.allSatisfy { $0.process.terminationStatus == 0 })
        #expect(try scratch.contents() == ["obs.npy"])
        // Whichever run renamed last, the file is that run's whole array: its size is exact and it parses.
        let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int
        #expect(size == 128 + 150 * 64 * 64 * 3)
        let alone = scratch.file("alone.npy")
        for seeds in ["0..<150", "150..<300"] {
            let run = try Self.start(["obs", "--seeds", seeds, "--out", alone])
            run.process.waitUntilExit()
            if FileManager.default.contents(atPath: alone) == FileManager.default.contents(atPath: out) { return }
        }
        Issue.record("the shared output equals neither run's own output")
    }
}

extension InterruptTests {
    @Test("SIGTERM during dataset: no .npy, no temporary file, and the folder it made is gone")
    func signalDuringDataset() throws {
        guard Self.executable != nil else { Issue.record("mazerender executable not found"); return }
        let scratch = try ScratchFolder(), logs = try ScratchFolder()
        defer { scratch.remove(); logs.remove() }
        let out = scratch.file("data/shard0")
        let pid = try Self.spawnWithDefaultSignals(
            ["dataset", "--seeds", "0..<200000", "--generator", "aisc", "--rand-region", "5", "--out", out],
            errorPath: logs.file("stderr.txt"))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty {
            usleep(20_000)
        }
        usleep(300_000)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status & 0x7F == SIGTERM, "wait status \(status)")
        #expect(try scratch.contents().isEmpty)
        let text = (try? String(contentsOfFile: logs.file("stderr.txt"), encoding: .utf8)) ?? ""
        #expect(text.contains("interrupted by SIGTERM") && text.contains("observations.npy"), "\(text)")
    }
}
