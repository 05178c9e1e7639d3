import Explorer
import Foundation
import MazeSimulation
import MazerenderCLI
import ModelFiles
import TestSupport
import Testing

/// `POST /api/attribution` and `POST /api/value-map` against `mazerender attribute` and `mazerender value-map`
/// for the same maze, and their refusals.
@Suite("explorer API: attribution and value map", .serialized)
struct ExplorerAttributionTests {
    typealias F = ExplorerFixtures
    static let seed: Int32 = 54

    static func runCLI(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", F.modelPath, "--assets", F.assetDirectory])
    }

    /// The CLI's `.npy` attribution `[3, 64, 64]` summed over RGB as the route sums it (R + G + B in Float).
    static func summedPixels(_ path: String) throws -> [Float] {
        let tensor = try NumpyFile.read(contentsOf: URL(fileURLWithPath: path)).tensor
        #expect(tensor.shape == [3, 64, 64])
        let v = tensor.scalars
        return (0..<4096).map { v[$0] + v[4096 + $0] + v[8192 + $0] }
    }

    static func floats(_ value: Any?) throws -> [Float] {
        try #require(value as? [Double]).map(Float.init)
    }

    /// The largest difference relative to the largest magnitude.
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    @Test("gradient × input of P(up) and argmax at the decision square equal `attribute --method gradient-x-input --out F.npy`, pixel for pixel")
    func gradientTimesInputEqualsCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let maze = LevelGenerator().generate(seed: Self.seed)
        let square = try #require(maze.decisionSquare)
        let mouse = "\(square.x),\(square.y)"
        // argmax: the group the vector field says is most probable at the mouse.
        let field = try F.object(try await F.post("/api/vfield", ["seed": 54, "mouse": [square.x, square.y]]))
        let cells = try #require(field["cells"] as? [[String: Any]])
        let here = try #require(cells.first { $0["x"] as? Int == square.x && $0["y"] as? Int == square.y })
        let probs = try #require(here["probs"] as? [String: Double])
        let best = ["left", "down", "up", "right", "noop"].max { probs[$0]! < probs[$1]! }!

        for (requested, resolved) in [("up", "up"), ("argmax", best), ("value", "value")] {
            try Self.runCLI(["attribute", "--seed", "54", "--mouse", mouse, "--target", resolved, "--method", "gradient-x-input",
                             "--out", scratch.file("\(requested).npy")])
            try Self.runCLI(["attribute", "--seed", "54", "--mouse", mouse, "--target", resolved, "--method", "gradient-x-input",
                             "--out", scratch.file("\(requested).json")])
            let response = try await F.post("/api/attribution", ["seed": 54, "mouse": [square.x, square.y], "target": requested])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let object = try F.object(response)
            #expect(object["target"] as? String == resolved)
            #expect(object["requested_target"] as? String == requested)
            #expect(object["method"] as? String == "gradient-x-input")
            #expect(object["mouse"] as? [Int] == [square.x, square.y])
            let pixels = try Self.floats(object["pixels"])
            #expect(pixels.count == 64 * 64)
            let cli = try Self.summedPixels(scratch.file("\(requested).npy"))
            let difference = Self.relativeDifference(pixels, cli)
            print("/api/attribution \(requested) (\(resolved)): largest difference \(difference) of max |a|")
            #expect(difference <= 1e-6)
            let numbers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.file("\(requested).json")))) as? [String: Any])
            #expect(object["target_value"] as? Double == numbers["target_value"] as? Double)
            let sum = try #require(object["attribution_sum"] as? Double), cliSum = try #require(numbers["attribution_sum"] as? Double)
            #expect(abs(sum - cliSum) <= 1e-5 * max(1, abs(cliSum)))
        }
    }

    @Test("integrated gradients with the no-cheese baseline and patches equal `attribute --method integrated-gradients`")
    func integratedGradientsEqualCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.runCLI(["attribute", "--seed", "54", "--target", "left", "--method", "integrated-gradients", "--baseline", "no-cheese",
                         "--steps", "8", "--patch", "ablate:channels=7,mode=zero", "--out", scratch.file("ig.npy")])
        let response = try await F.post("/api/attribution", ["seed": 54, "target": "left", "method": "integrated-gradients",
                                                             "baseline": "no-cheese", "steps": 8,
                                                             "patches": ["ablate:channels=7,mode=zero"]])
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let object = try F.object(response)
        #expect(object["steps"] as? Int == 8 && object["baseline"] as? String == "no-cheese")
        #expect(object["completeness_error"] is Double)
        let difference = Self.relativeDifference(try Self.floats(object["pixels"]), try Self.summedPixels(scratch.file("ig.npy")))
        print("/api/attribution integrated gradients: largest difference \(difference) of max |a|")
        #expect(difference <= 1e-6)
    }

    @Test("POST /api/value-map equals `value-map --out F.json` byte for byte, plain and patched")
    func valueMapEqualsCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.runCLI(["value-map", "--seed", "54", "--out", scratch.file("plain.json")])
        try Self.runCLI(["value-map", "--seed", "54", "--patch", "cheese:coeff=-1", "--out", scratch.file("patched.json")])
        let plain = try await F.post("/api/value-map", ["seed": 54])
        #expect(plain.status == 200)
        #expect(plain.text == (try String(contentsOfFile: scratch.file("plain.json"), encoding: .utf8)))
        // The mouse field is accepted and ignored: the value map moves the mouse to every cell.
        let patched = try await F.post("/api/value-map", ["seed": 54, "mouse": [0, 2], "patches": ["cheese:coeff=-1"]])
        #expect(patched.text == (try String(contentsOfFile: scratch.file("patched.json"), encoding: .utf8)))
        let cells = try #require(try F.object(patched)["cells"] as? [[String: Any]])
        #expect(cells.count > 10 && cells.allSatisfy { $0["patched"] is Double })
    }

    @Test("the explorer guide's curl examples for the two routes answer 200 in-process")
    func guideExamples() async throws {
        let guide = try String(contentsOf: F.packageRoot.appendingPathComponent("docs/explorer.md"), encoding: .utf8)
        let lines = guide.split(separator: "\n").filter { $0.hasPrefix("curl -s localhost:8600/api/attribution")
            || $0.hasPrefix("curl -s localhost:8600/api/value-map") }
        #expect(lines.count == 2)
        for line in lines {
            let path = String(line.split(separator: " ")[2].dropFirst("localhost:8600".count))
            let body = try #require(line.split(separator: "'").dropFirst().first)
            let response = try await F.api.get().respond(method: "POST", path: path, body: Data(body.utf8))
            #expect(response.status == 200, "\(line): \(response.text.prefix(200))")
        }
    }

    static let malformed: [(path: String, body: String, field: String?)] = [
        ("/api/attribution", #"{"seed": 54, "target": "sideways"}"#, "target"),
        ("/api/attribution", #"{"seed": 54, "target": "logit:99"}"#, "target"),
        ("/api/attribution", #"{"seed": 54, "target": 3}"#, "target"),
        ("/api/attribution", #"{"seed": 54, "method": "saliency"}"#, "method"),
        ("/api/attribution", #"{"seed": 54, "method": "integrated-gradients", "steps": 0}"#, "steps"),
        ("/api/attribution", #"{"seed": 54, "method": "integrated-gradients", "steps": 65}"#, "steps"),
        ("/api/attribution", #"{"seed": 54, "method": "integrated-gradients", "baseline": "blur"}"#, "baseline"),
        ("/api/attribution", #"{"seed": 54, "baseline": "black"}"#, "baseline"),
        ("/api/attribution", #"{"seed": 54, "steps": 4}"#, "steps"),
        ("/api/attribution", #"{"seed": 54, "cheese": null, "method": "integrated-gradients", "baseline": "no-cheese"}"#, "baseline"),
        ("/api/attribution", #"{"seed": 54, "layer": "embedder.block2.res1.resadd_out"}"#, "layer"),
        ("/api/attribution", #"{"seed": 54, "patches": ["nonsense:1"]}"#, "patches[0]"),
        ("/api/attribution", #"{"target": "up"}"#, "seed"),
        ("/api/attribution", "not json", nil),
        ("/api/value-map", #"{"seed": 54, "target": "value"}"#, "target"),
        ("/api/value-map", #"{"seed": 54, "patches": [5]}"#, "patches[0]"),
        ("/api/value-map", #"{"seed": 54, "mouse": [1, 1]}"#, "mouse"),
    ]

    @Test("malformed requests answer 400 naming the field, and the API keeps answering")
    func malformedRequests() async throws {
        let api = try F.api.get()
        for (path, body, field) in Self.malformed {
            let response = await api.respond(method: "POST", path: path, body: Data(body.utf8))
            #expect(response.status == 400, "\(path) \(body): \(response.status) \(response.text)")
            let object = try F.object(response)
            #expect(object["field"] as? String == field, "\(path) \(body): \(response.text)")
            #expect((object["error"] as? String)?.isEmpty == false)
        }
        #expect(await api.respond(method: "GET", path: "/api/attribution").status == 405)
        #expect(await api.respond(method: "GET", path: "/api/value-map").status == 405)
        let fine = try await F.post("/api/attribution", ["seed": 54, "target": "value"])
        #expect(fine.status == 200)
    }
}
