import Explorer
import Foundation
import MazeObservation
import RenderJobs
import Testing

/// The explorer under test: the bundled agent and procgen's assets, found from this file's path.
enum ExplorerFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = packageRoot.appendingPathComponent(ModelLocator.bundledRelativePath).path
    static let assetDirectory = packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory).path

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

    /// A fresh scratch directory, removed by `remove()`.
    struct Scratch {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "explorer-tests-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func file(_ name: String) -> String { path + "/" + name }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }
}
