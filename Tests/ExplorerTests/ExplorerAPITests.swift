import ArgumentParser
import Explorer
import Foundation
import MazeObservation
import MazeSimulation
import MazerenderCLI
import ModelFiles
import OutputFiles
import TestSupport
import Testing

/// The JSON API in-process (`ExplorerAPI.respond`), against the generated mazes and against the CLI's own
/// outputs for the same maze and patches.
@Suite("explorer API", .serialized)
struct ExplorerAPITests {
    static let seed: Int32 = 54
    typealias F = ExplorerFixtures

    static func point(_ value: Any?) -> MazePoint? {
        guard let pair = value as? [Int], pair.count == 2 else { return nil }
        return MazePoint(x: pair[0], y: pair[1])
    }

    /// A cell to move the cheese to: the top-right corner (open in every generated maze), or the top-left.
    static func newCheeseCell(_ maze: MazeState) -> MazePoint {
        let corner = maze.topRightCell
        return corner == maze.cheeseMaze ? MazePoint(x: 0, y: maze.mazeDimension - 1) : corner
    }

    /// Runs `mazerender ARGUMENTS --model <bundled agent> --assets <procgen>` in-process.
    static func runCLI(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", F.modelPath, "--assets", F.assetDirectory])
    }

    @Test("GET /api/maze: the generated level's grid, cells, paths and no validity problems")
    func mazeOfASeed() async throws {
        let response = try await F.api.get().respond(method: "GET", path: "/api/maze", query: ["seed": "54"])
        #expect(response.status == 200)
        #expect(response.contentType.hasPrefix("application/json"))
        let object = try F.object(response)
        let maze = LevelGenerator().generate(seed: Self.seed)
        #expect(object["grid"] as? [String] == maze.gridStrings)
        #expect(object["maze_dim"] as? Int == maze.mazeDimension)
        #expect(Self.point(object["mouse"]) == maze.mouseMaze)
        #expect(Self.point(object["cheese"]) == maze.cheeseMaze)
        #expect(Self.point(object["original_cheese"]) == maze.cheeseMaze)
        #expect(Self.point(object["decision_square"]) == maze.decisionSquare)
        #expect(object["validity_problems"] as? [String] == [])
        #expect(object["on_distribution"] as? Bool == true)
        let paths = try #require(object["paths"] as? [String: Any])
        let toCheese = try #require(paths["cheese"] as? [[Int]])
        #expect(toCheese.map { MazePoint(x: $0[0], y: $0[1]) } == maze.shortestPath(from: maze.mouseMaze, to: maze.cheeseMaze!))
        let toCorner = try #require(paths["top_right"] as? [[Int]])
        #expect(toCorner.last == [maze.mazeDimension - 1, maze.mazeDimension - 1])
    }

    @Test("POST /api/maze: wall toggles, cheese and mouse moves; off-distribution edits listed, not refused")
    func edits() async throws {
        let maze = LevelGenerator().generate(seed: Self.seed)
        let pillar = MazePoint(x: 1, y: 1)  // odd-odd cells are walls in every generated maze
        #expect(maze.isWall(pillar))
        let cheese = Self.newCheeseCell(maze)
        let response = try await F.post("/api/maze", ["seed": 54, "walls": [[1, 1]], "cheese": [cheese.x, cheese.y], "mouse": [0, 2]])
        #expect(response.status == 200, "\(response.text)")
        let object = try F.object(response)
        let grid = try #require(object["grid"] as? [String])
        let n = maze.mazeDimension
        #expect(Array(grid[n - 1 - 1])[1] == ".")
        #expect(Array(grid[n - 1 - 2])[0] == "M")
        #expect(Array(grid[n - 1 - cheese.y])[cheese.x] == "C")
        #expect(Self.point(object["cheese"]) == cheese)
        #expect(Self.point(object["original_cheese"]) == maze.cheeseMaze)
        let problems = try #require(object["validity_problems"] as? [String])
        #expect(problems.contains { $0.contains("odd coordinates but is open") }, "\(problems)")
        #expect(problems.contains { $0.contains("loops") }, "\(problems)")
        #expect(object["on_distribution"] as? Bool == false)
        // Removing the cheese: null.
        let removed = try F.object(try await F.post("/api/maze", ["seed": 54, "cheese": NSNull()]))
        #expect(removed["cheese"] is NSNull)
        #expect(removed["decision_square"] is NSNull)
    }

    @Test("POST /api/vfield equals `vfield --out F.json` for the same edited maze (byte for byte)")
    func vectorFieldEqualsCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let cheese = Self.newCheeseCell(LevelGenerator().generate(seed: Self.seed))
        try Self.runCLI(["vfield", "--seed", "54", "--cheese", "\(cheese.x),\(cheese.y)", "--out", scratch.file("vf.json")])
        let cli = try String(contentsOfFile: scratch.file("vf.json"), encoding: .utf8)
        let response = try await F.post("/api/vfield", ["seed": 54, "cheese": [cheese.x, cheese.y]])
        #expect(response.status == 200)
        #expect(response.text == cli)
        let object = try F.object(response)
        #expect(Self.point(object["cheese"]) == cheese)
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(!cells.contains { $0["x"] as? Int == cheese.x && $0["y"] as? Int == cheese.y })
    }

    @Test("POST /api/vfield with patches and diff equals `vfield-diff --out F.json`; without diff, `vfield --patch`")
    func patchedFieldEqualsCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let specs = ["cheese:coeff=-1", "ablate:channels=7,mode=zero"]
        try Self.runCLI(["vfield-diff", "--seed", "54", "--no-cheese"] + specs.flatMap { ["--patch", $0] } + ["--out", scratch.file("diff.json")])
        try Self.runCLI(["vfield", "--seed", "54", "--no-cheese"] + specs.flatMap { ["--patch", $0] } + ["--out", scratch.file("vf.json")])
        let diff = try await F.post("/api/vfield", ["seed": 54, "cheese": NSNull(), "patches": specs, "diff": true])
        #expect(diff.status == 200, "\(diff.text.prefix(300))")
        #expect(diff.text == (try String(contentsOfFile: scratch.file("diff.json"), encoding: .utf8)))
        let patched = try await F.post("/api/vfield", ["seed": 54, "cheese": NSNull(), "patches": specs])
        #expect(patched.text == (try String(contentsOfFile: scratch.file("vf.json"), encoding: .utf8)))
        // The patch changed something, and a PatchSpec JSON object means the same as its SPEC text.
        let object = try F.object(diff)
        let cells = try #require(object["cells"] as? [[String: Any]])
        let changed = cells.filter { cell in
            let original = cell["probs"] as? [String: Double], patched = (cell["patched"] as? [String: Any])?["probs"] as? [String: Double]
            return original != patched
        }
        #expect(changed.count > cells.count / 2)
        let asJSON = try await F.post("/api/vfield", ["seed": 54, "cheese": NSNull(), "diff": true,
                                                      "patches": [["kind": "cheese", "coeff": -1], "ablate:channels=7,mode=zero"]])
        #expect(try F.object(asJSON)["cells"] as? NSArray == object["cells"] as? NSArray)
    }

    @Test("POST /api/readings: mean change and most probable path agree with the CLI's vfield-diff numbers")
    func readings() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let maze = LevelGenerator().generate(seed: Self.seed)
        let cheese = MazePoint(x: 0, y: maze.mazeDimension - 1)
        try Self.runCLI(["vfield-diff", "--seed", "54", "--cheese", "\(cheese.x),\(cheese.y)", "--patch", "cheese:coeff=-1",
                         "--out", scratch.file("diff.json")])
        let cli = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.file("diff.json")))) as? [String: Any])
        let cells = try #require(cli["cells"] as? [[String: Any]])
        let groups = ["left", "down", "up", "right", "noop"]
        var total = 0.0
        var original: [MazePoint: [Double]] = [:]
        for cell in cells {
            let p = try #require(cell["probs"] as? [String: Double])
            let q = try #require((cell["patched"] as? [String: Any])?["probs"] as? [String: Double])
            total += 0.5 * groups.reduce(0.0) { $0 + abs(q[$1]! - p[$1]!) }
            original[MazePoint(x: cell["x"] as! Int, y: cell["y"] as! Int)] = groups.map { p[$0]! }
        }
        let response = try await F.post("/api/readings", ["seed": 54, "cheese": [cheese.x, cheese.y], "patches": ["cheese:coeff=-1"]])
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let object = try F.object(response)
        let change = try #require(object["mean_total_variation"] as? Double)
        #expect(abs(change - total / Double(cells.count)) < 1e-6)
        #expect(change > 0.001)  // the cheese vector moves a few cells of this small maze strongly (the page test sees 0.35)
        // The most probable path follows each cell's largest of left/down/up/right from the start.
        let reading = try #require(object["original"] as? [String: Any])
        let path = try #require(reading["most_probable_path"] as? [[Int]]).map { MazePoint(x: $0[0], y: $0[1]) }
        #expect(path.first == MazePoint(x: 0, y: 0))
        for (here, next) in zip(path, path.dropFirst()) {
            let p = try #require(original[here])
            let moves = [MazePoint(x: -1, y: 0), MazePoint(x: 0, y: -1), MazePoint(x: 0, y: 1), MazePoint(x: 1, y: 0)]
            let best = (0..<4).max { p[$0] < p[$1] }!
            #expect(next == MazePoint(x: here.x + moves[best].x, y: here.y + moves[best].y))
        }
        let probabilities = try #require(reading["path_probabilities"] as? [[String: Any]])
        #expect(!probabilities.isEmpty && probabilities.allSatisfy { (0...1).contains($0["p"] as? Double ?? -1) })
        let none = try F.object(try await F.post("/api/readings", ["seed": 54]))
        #expect(none["patched"] is NSNull && none["mean_total_variation"] is NSNull)
    }

    @Test("POST /api/activations equals `activations --out F.npy` (all channels, patched, edited maze)")
    func activationsEqualCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let layer = "embedder.block2.res1.resadd_out"
        let cheese = Self.newCheeseCell(LevelGenerator().generate(seed: Self.seed))
        try Self.runCLI(["activations", "--seed", "54", "--layer", layer, "--cheese", "\(cheese.x),\(cheese.y)",
                         "--patch", "top-right:coeff=2", "--out", scratch.file("a.npy")])
        let cli = try NumpyFile.read(contentsOf: URL(fileURLWithPath: scratch.file("a.npy"))).tensor
        let response = try await F.post("/api/activations", ["seed": 54, "layer": layer, "cheese": [cheese.x, cheese.y],
                                                             "patches": ["top-right:coeff=2"]])
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let object = try F.object(response)
        let shape = try #require(object["shape"] as? [Int])
        #expect([1] + shape == cli.shape)
        let rows = try #require(object["values"] as? [[Double]])
        #expect(rows.count == shape[0] && (object["channels"] as? [Int]) == Array(0..<shape[0]))
        let values = rows.flatMap { $0 }
        #expect(values.count == cli.scalars.count)
        // The same forward pass at batch 1: equal up to Float32 round-off of the JSON text (which round-trips).
        let worst = zip(values, cli.scalars).map { abs($0 - Double($1)) }.max() ?? 0
        #expect(worst <= 1e-6, "largest difference \(worst)")
        let absMax = try #require(object["abs_max"] as? Double)
        #expect(abs(absMax - Double(cli.scalars.map { abs($0) }.max()!)) <= 1e-6)
        // One channel on request.
        let one = try F.object(try await F.post("/api/activations", ["seed": 54, "layer": layer, "channels": [7],
                                                                      "cheese": [cheese.x, cheese.y], "patches": ["top-right:coeff=2"]]))
        #expect((one["values"] as? [[Double]])?.first == rows[7])
    }

    @Test("POST /api/figure: the same PNG and SVG bytes as `vfield-diff` and `heatmap --out`, up to the record of their making")
    func figuresEqualCLI() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.runCLI(["vfield-diff", "--seed", "54", "--cheese", "0,6", "--patch", "cheese:coeff=-1", "--out", scratch.file("d.png")])
        try Self.runCLI(["heatmap", "--seed", "54", "--no-cheese", "--layer", "embedder.block2.res1.resadd_out", "--channel", "5",
                         "--convention", "paper", "--out", scratch.file("h.svg")])
        let png = try await F.post("/api/figure", ["seed": 54, "cheese": [0, 6], "patches": ["cheese:coeff=-1"], "format": "png"])
        #expect(png.status == 200 && png.contentType == "image/png")
        let cliPNG = try Data(contentsOf: URL(fileURLWithPath: scratch.file("d.png")))
        #expect(Self.withoutMetadata(png.body, .png) == Self.withoutMetadata(cliPNG, .png))
        // Both record the seed and the patch; the CLI's file also its command line.
        let served = try EmbeddedMetadata.read(Array(png.body), format: .png, path: "api")
        let written = try EmbeddedMetadata.read(Array(cliPNG), format: .png, path: "d.png")
        let shared: (EmbeddedMetadata.Entries) -> [String] = { $0.filter { $0.key != "Command" && $0.key != "Model" }.map { "\($0.key): \($0.value)" } }
        #expect(shared(served) == shared(written))
        #expect(served.contains { $0.key == "Seeds" && $0.value == "54" })
        #expect(served.contains { $0.key == "Patches" && $0.value == "cheese:coeff=-1" })
        let svg = try await F.post("/api/figure", ["seed": 54, "cheese": NSNull(), "kind": "heatmap", "channel": 5,
                                                   "convention": "paper", "format": "svg"])
        #expect(svg.status == 200 && svg.contentType == "image/svg+xml")
        let cliSVG = try Data(contentsOf: URL(fileURLWithPath: scratch.file("h.svg")))
        #expect(Self.withoutMetadata(svg.body, .svg) == Self.withoutMetadata(cliSVG, .svg))
        #expect(Self.withoutMetadata(svg.body, .svg) != svg.body)
        let walls = try await F.post("/api/figure", ["seed": 54, "walls": [[1, 1]]])
        let wallsField = try F.object(walls)["field"] as? String
        #expect(walls.status == 400 && wallsField == "walls")
        let gif = try await F.post("/api/figure", ["seed": 54, "format": "gif"])
        let gifField = try F.object(gif)["field"] as? String
        #expect(gif.status == 400 && gifField == "format")
    }

    @Test("POST /api/view: procgen's human view of the edited maze, a PNG at 20.48 px per cell")
    func view() async throws {
        let response = try await F.post("/api/view", ["seed": 54, "cheese": NSNull()])
        #expect(response.status == 200 && response.contentType == "image/png")
        let image = try PNGDecoder.decode(Array(response.body))
        #expect(image.width == Int((7 * 20.48).rounded()) && image.height == image.width)
        // The cheese is gone: the view differs from the unedited level's.
        let original = try await F.post("/api/view", ["seed": 54])
        #expect(original.status == 200 && original.body != response.body)
        let bad = try await F.post("/api/view", ["seed": 54, "walls": [[0, 0]]])
        #expect(bad.status == 400)
    }

    @Test("POST /api/rollout: a connected path from the mouse; original and patched episodes")
    func rollout() async throws {
        let response = try await F.post("/api/rollout", ["seed": 54, "steps": 120, "patches": ["cheese:coeff=-1"]])
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let object = try F.object(response)
        let rollouts = try #require(object["rollouts"] as? [[String: Any]])
        #expect(rollouts.map { $0["variant"] as? String } == ["original", "patched"])
        let maze = LevelGenerator().generate(seed: Self.seed)
        for rollout in rollouts {
            let path = try #require(rollout["path"] as? [[Int]]).map { MazePoint(x: $0[0], y: $0[1]) }
            let actions = try #require(rollout["actions"] as? [String])
            let probs = try #require(rollout["probs"] as? [[Double]])
            #expect(path.first == maze.mouseMaze)
            #expect(actions.count == path.count - 1 && probs.count == actions.count)
            for (a, b) in zip(path, path.dropFirst()) {
                #expect(abs(a.x - b.x) + abs(a.y - b.y) <= 1 && !maze.isWall(b))
            }
            for p in probs { #expect(abs(p.reduce(0, +) - 1) < 1e-4) }
            let ending = rollout["ending"] as? String
            if ending == "cheese" { #expect(path.last == maze.cheeseMaze) } else { #expect(ending == "step_limit" && actions.count == 120) }
        }
    }

    static let badRequests: [(path: String, body: String, status: Int, field: String?)] = [
        ("/api/maze", "not json", 400, nil),
        ("/api/maze", "[54]", 400, nil),
        ("/api/maze", "{}", 400, "seed"),
        ("/api/maze", #"{"seed": -1}"#, 400, "seed"),
        ("/api/maze", #"{"seed": "54"}"#, 400, "seed"),
        ("/api/maze", #"{"seed": 2.5}"#, 400, "seed"),
        ("/api/maze", #"{"seed": 54, "mode": "medium"}"#, 400, "mode"),
        ("/api/maze", #"{"seed": 54, "rand_region": 3}"#, 400, "rand_region"),
        ("/api/maze", #"{"seed": 54, "walls": [[1, 1], [99, 1]]}"#, 400, "walls[1]"),
        ("/api/maze", #"{"seed": 54, "walls": [[1, 1], [2]]}"#, 400, "walls[1]"),
        ("/api/maze", #"{"seed": 54, "walls": [[0, 0]]}"#, 400, "walls"),
        ("/api/maze", #"{"seed": 54, "cheese": [1, 1]}"#, 400, "cheese"),
        ("/api/maze", #"{"seed": 54, "mouse": [0, 0], "cheese": [0, 0]}"#, 400, "mouse"),
        ("/api/maze", #"{"seed": 54, "mouse": [true, 0]}"#, 400, "mouse"),
        ("/api/maze", #"{"seed": 54, "sed": 1}"#, 400, "sed"),
        ("/api/vfield", #"{"seed": 54, "patches": ["cheese:coef=1"]}"#, 400, "patches[0]"),
        ("/api/vfield", #"{"seed": 54, "patches": ["cheese:coeff=-1", "bogus"]}"#, 400, "patches[1]"),
        ("/api/vfield", #"{"seed": 54, "patches": "cheese"}"#, 400, "patches"),
        ("/api/vfield", #"{"seed": 54, "patches": [17]}"#, 400, "patches[0]"),
        ("/api/vfield", #"{"seed": 54, "patches": ["ablate:channels=999,mode=zero"]}"#, 400, "patches[0]"),
        ("/api/vfield", #"{"seed": 54, "diff": true}"#, 400, "diff"),
        ("/api/vfield", #"{"seed": 54, "diff": "yes"}"#, 400, "diff"),
        ("/api/activations", #"{"seed": 54, "layer": "embedder.nope"}"#, 400, "layer"),
        ("/api/activations", #"{"seed": 54, "channels": [999]}"#, 400, "channels[0]"),
        ("/api/activations", #"{"seed": 54, "layer": "fc_policy_out", "channels": [0]}"#, 400, "channels"),
        ("/api/rollout", #"{"seed": 54, "steps": 0}"#, 400, "steps"),
        ("/api/rollout", #"{"seed": 54, "steps": 100000}"#, 400, "steps"),
        ("/api/rollout", #"{"seed": 54, "sample_seed": 3}"#, 400, "sample_seed"),
    ]

    @Test("malformed requests: 400 with a JSON error naming the field", arguments: 0..<badRequests.count)
    func badRequest(index: Int) async throws {
        let bad = Self.badRequests[index]
        let response = try await F.api.get().respond(method: "POST", path: bad.path, body: Data(bad.body.utf8))
        #expect(response.status == bad.status, "\(bad.body): \(response.text)")
        let object = try F.object(response)
        #expect(object["field"] as? String == bad.field, "\(bad.body): \(response.text)")
        let message = try #require(object["error"] as? String)
        #expect(!message.isEmpty && !message.contains("\n"))
    }

    @Test("too many patches, unknown routes and methods")
    func limitsAndRoutes() async throws {
        let api = try F.api.get()
        let many = Array(repeating: "cheese:coeff=-1", count: ExplorerLimits.maxPatches + 1)
        let tooMany = try await F.post("/api/vfield", ["seed": 54, "patches": many])
        let tooManyField = try F.object(tooMany)["field"] as? String
        #expect(tooMany.status == 400 && tooManyField == "patches")
        #expect(await api.respond(method: "GET", path: "/api/nothing").status == 404)
        #expect(await api.respond(method: "GET", path: "/../Package.swift").status == 404)
        #expect(await api.respond(method: "PUT", path: "/api/maze").status == 405)
        #expect(await api.respond(method: "GET", path: "/api/vfield").status == 405)
        // A request overtaken by a newer one from the same page is answered 409 without running.
        let first = api.tracker.ticket(client: "test-page", sequence: "1", kind: "/api/vfield")
        let second = api.tracker.ticket(client: "test-page", sequence: "2", kind: "/api/vfield")
        let body = Data(#"{"seed": 54}"#.utf8)
        #expect(await api.respond(method: "POST", path: "/api/vfield", body: body, ticket: first).status == 409)
        #expect(await api.respond(method: "POST", path: "/api/vfield", body: body, ticket: second).status == 200)
        #expect(api.tracker.ticket(client: nil, sequence: "3", kind: "/api/vfield") == nil)
        let page = await api.respond(method: "GET", path: "/")
        #expect(page.status == 200 && page.contentType.hasPrefix("text/html") && page.text.contains("/explorer.js"))
        #expect(await api.respond(method: "GET", path: "/explorer.js").text.contains("AbortController"))
        let info = try F.object(await api.respond(method: "GET", path: "/api/info"))
        let layers = try #require(info["layers"] as? [[String: Any]])
        #expect(layers.count == 43)
        #expect(layers.first { $0["label"] as? String == "embedder.block2.res1.resadd_out" }?["shape"] as? [Int] == [32, 16, 16])
    }
}

extension ExplorerAPITests {
    enum PictureKind { case png, svg }

    /// The picture without the record of its making: a PNG without its `tEXt`/`iTXt` chunks (walked by their
    /// lengths), an SVG without its `<metadata>` element. Everything drawn stays.
    static func withoutMetadata(_ data: Data, _ kind: PictureKind) -> Data {
        let bytes = [UInt8](data)
        switch kind {
        case .png:
            guard bytes.count > 8 else { return data }
            var out = Array(bytes[0..<8]), offset = 8
            while offset + 12 <= bytes.count {
                let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
                let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
                let end = min(bytes.count, offset + 12 + length)
                if type != "tEXt" && type != "iTXt" { out += bytes[offset..<end] }
                offset = end
            }
            return Data(out)
        case .svg:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let start = text.range(of: "<metadata"), let end = text.range(of: "</metadata>", range: start.upperBound..<text.endIndex)
            else { return data }
            var trimmed = text
            trimmed.removeSubrange(start.lowerBound..<end.upperBound)
            return Data(trimmed.utf8)
        }
    }
}
