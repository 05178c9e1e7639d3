import Explorer
import Foundation
import TestSupport
import Testing

/// The page in a real browser: headless Chromium driven by Selenium (`browser_test.py`), against
/// `mazerender serve --port 0` (its own process, on a free port). Scripts/setup.sh installs chromium, chromium-driver and Selenium; without
/// them this test fails and says so (it does not skip).
@Suite("explorer page in Chromium", .serialized, .tags(.slow), SlowTests.trait)
struct ExplorerBrowserTests {
    typealias F = ExplorerFixtures
    static let script = F.packageRoot.appendingPathComponent("Tests/ExplorerTests/browser_test.py").path

    /// Runs `python3 browser_test.py BASE EXTRA...`; returns its exit status and output.
    static func runScript(base: String, extra: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, base] + extra
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read on another thread so that the server keeps its cooperative threads.
        let output: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        return (process.terminationStatus, output)
    }

    @Test("seed 54: move the cheese, cheese vector diff, channel heat map, all equal to the API's numbers")
    func page() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
                     "Debian's chromium-driver is missing: run Scripts/setup.sh")
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        try probe.run()
        probe.waitUntilExit()
        try #require(probe.terminationStatus == 0, "Selenium is missing: run Scripts/setup.sh")

        let served = try await ServedProgram()
        defer { served.stopNow() }
        let environment = ProcessInfo.processInfo.environment
        var extra: [String] = []
        if let edits = environment["EXPLORER_LATENCY_EDITS"] { extra += ["--latency", edits] }
        if let seed = environment["EXPLORER_LATENCY_SEED"] { extra += ["--latency-seed", seed] }
        if let screenshot = environment["EXPLORER_SCREENSHOT"] { extra += ["--screenshot", screenshot] }
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await Self.runScript(base: served.base, extra: extra)
        let ending = await served.stop()
        #expect(ending.exited && ending.status == 0, "\(ending.output)")
        print(result.output)
        #expect(result.status == 0, "browser_test.py failed:\n\(result.output)")
        #expect(result.output.contains("browser test passed"))
        // A guard against a page that stalls, not a benchmark: the whole suite runs beside it on two cores.
        if extra.isEmpty { #expect(clock.now - started < .seconds(240), "the browser test took over four minutes") }
    }
}
