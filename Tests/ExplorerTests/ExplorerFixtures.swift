import Explorer
import FigureJobs
import Foundation
import JobSupport
import MazeObservation
import TestSupport
import Testing

/// The explorer under test: the bundled agent and procgen's assets, found from this file's path.
enum ExplorerFixtures {
    static let packageRoot = PackagePaths.root
    static let modelPath = PackagePaths.bundledModel
    static let assetDirectory = PackagePaths.assetDirectory

    static let context: Result<FigureContext, any Error> = Result {
        let network = try ModelLocator.loadNetwork(explicit: modelPath)
        let renderer = ObservationRenderer(assets: try ObservationAssets(directory: assetDirectory))
        return try FigureContext(network: network, renderer: renderer, modelPath: modelPath)
    }
    static let api: Result<ExplorerAPI, any Error> = context.map { ExplorerAPI(engine: ExplorerEngine(context: $0)) }

    /// POSTs `body` (a JSON object) to `path` in-process.
    static func post(_ path: String, _ body: [String: Any]) async throws -> ExplorerResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await api.get().respond(method: "POST", path: path, body: data)
    }

    static func object(_ response: ExplorerResponse) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: response.body)
        return try #require(parsed as? [String: Any], "not a JSON object: \(response.text.prefix(200))")
    }

}

/// `mazerender serve --port 0` as its own process (the program beside this test bundle), so that the server's
/// threads never wait on the test process's busy cooperative pool while other suites run in parallel.
final class ServedProgram: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    /// `http://127.0.0.1:PORT/`
    private(set) var base = ""
    /// What the program printed before the URL line and after it, once stopped.
    private(set) var firstLine = ""

    /// The `mazerender` program beside this test bundle (both are products of the same build).
    static var program: String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("mazerender").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts the program and waits for its URL line. - Throws: when the program is missing or prints no URL.
    init() async throws {
        let program = try #require(Self.program, "the mazerender program is not beside \(CommandLine.arguments[0])")
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["serve", "--port", "0", "--model", ExplorerFixtures.modelPath,
                             "--assets", ExplorerFixtures.assetDirectory]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let handle = output.fileHandleForReading
        firstLine = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while bytes.last != UInt8(ascii: "\n") {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard let url = firstLine.split(separator: " ").first(where: { $0.hasPrefix("http://127.0.0.1:") }) else {
            stopNow()
            throw ServedProgramError(message: "mazerender serve printed no URL: \(firstLine)")
        }
        base = String(url.dropLast(url.hasSuffix("/") ? 1 : 0))
    }

    /// Sends `signal` and waits for the program to end. - Returns: its exit status and the rest of its output.
    func stop(signal number: Int32 = SIGTERM) async -> (exited: Bool, status: Int32, output: String) {
        kill(process.processIdentifier, number)
        let handle = output.fileHandleForReading, process = self.process
        let rest: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        return (process.terminationReason == .exit, process.terminationStatus, rest)
    }

    /// Kills the program without waiting (clean-up after a failure).
    func stopNow() {
        if process.isRunning { process.terminate() }
    }

    deinit { stopNow() }
}

struct ServedProgramError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
