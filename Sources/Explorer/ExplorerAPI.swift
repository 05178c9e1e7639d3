import CairoGraphics
import Foundation
import ImpalaPolicy
import MazeSimulation
import OutputFiles
import PolicyAnalysis

/// One HTTP response, independent of the server framework (tests call `ExplorerAPI.respond` directly).
public struct ExplorerResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data

    static func json(_ text: String, status: Int = 200) -> ExplorerResponse {
        ExplorerResponse(status: status, contentType: "application/json; charset=utf-8", body: Data(text.utf8))
    }

    static func error(_ error: ExplorerRequestError) -> ExplorerResponse {
        json(JSONValue.object([("error", .string(error.message)), ("field", error.field.map { .string($0) } ?? .null)]).text + "\n",
             status: error.status)
    }

    /// The body as text (for tests and logs).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The explorer's routes: the page and the JSON API (documented in docs/explorer.md).
///
///     GET  /                      the page (also /explorer.js, /explorer.css)
///     GET  /api/info              model, activation sites with shapes, limits
///     GET  /api/maze?seed=54      the generated maze (mode, variant, rand_region as query items too)
///     POST /api/maze              {maze fields}                               -> grid, cheese, mouse, paths, validity
///     POST /api/vfield            {maze fields, patches, diff}                -> `vfield --out F.json`'s JSON
///     POST /api/readings          {maze fields, patches}                      -> path probabilities, most probable path, change
///     POST /api/activations       {maze fields, layer, channels, patches}     -> values per channel
///     POST /api/figure            {maze fields, patches, kind, layer, channel, convention, format} -> the CLI's figure
///     POST /api/view              {maze fields}                               -> procgen's human view, PNG
///     POST /api/rollout           {maze fields, patches, steps, sampled, sample_seed} -> paths of the episodes
///     POST /api/attribution       {maze fields, patches, target, method, baseline, steps} -> per-pixel attribution
///     POST /api/value-map         {maze fields, patches}                      -> `value-map --out F.json`'s JSON
///
/// Maze fields are `MazeQuery`'s. Every refusal is `{"error": "...", "field": "..."}` with status 400 (413 for a
/// body over `ExplorerLimits.maxBodyBytes`, 404/405 for an unknown route or method).
public struct ExplorerAPI: Sendable {
    public let engine: ExplorerEngine

    public init(engine: ExplorerEngine) {
        self.engine = engine
    }

    /// Answers one request. `query` holds the URL's query items; `body` is already bounded by the caller.
    public func respond(method: String, path: String, query: [String: String] = [:], body: Data = Data(),
                        ticket: ExplorerTicket? = nil) async -> ExplorerResponse {
        await ExplorerEngine.$ticket.withValue(ticket) {
            await route(method: method, path: path, query: query, body: body)
        }
    }

    /// Orders requests of one page (see `ExplorerTicket`).
    public let tracker = SupersessionTracker()

    private func route(method: String, path: String, query: [String: String], body: Data) async -> ExplorerResponse {
        do {
            switch (method, path) {
            case ("GET", "/"), ("GET", "/index.html"):
                return ExplorerPage.response(for: "explorer.html")!
            case ("GET", let file) where ExplorerPage.response(for: String(file.dropFirst())) != nil:
                return ExplorerPage.response(for: String(file.dropFirst()))!
            case ("GET", "/api/info"):
                return .json(try info().text + "\n")
            case ("GET", "/api/maze"):
                var object: [String: JSONNode] = [:]
                for (key, value) in query {
                    object[key] = Int(value).map { .number(Double($0)) } ?? .string(value)
                }
                return try await maze(RequestFields(object))
            case ("POST", "/api/maze"): return try await maze(RequestFields(body: body))
            case ("POST", "/api/vfield"): return try await vectorField(RequestFields(body: body))
            case ("POST", "/api/readings"): return try await readings(RequestFields(body: body))
            case ("POST", "/api/activations"): return try await activations(RequestFields(body: body))
            case ("POST", "/api/rollout"): return try await rollout(RequestFields(body: body))
            case ("POST", "/api/figure"): return try await figure(RequestFields(body: body))
            case ("POST", "/api/view"): return try view(RequestFields(body: body))
            case ("POST", "/api/attribution"): return try await attribution(RequestFields(body: body))
            case ("POST", "/api/value-map"): return try await valueMap(RequestFields(body: body))
            case (_, "/api/attribution"), (_, "/api/value-map"):
                throw ExplorerRequestError(status: 405, field: nil, "\(method) is not allowed on \(path)")
            case (_, "/api/maze"), (_, "/api/vfield"), (_, "/api/activations"), (_, "/api/rollout"), (_, "/api/info"), (_, "/api/readings"), (_, "/api/figure"), (_, "/api/view"), (_, "/"):
                throw ExplorerRequestError(status: 405, field: nil, "\(method) is not allowed on \(path)")
            default:
                throw ExplorerRequestError(status: 404, field: nil, "no such route: \(path); the API is under /api/ (see docs/explorer.md)")
            }
        } catch let error as ExplorerRequestError {
            return .error(error)
        } catch {
            // Errors from the analysis layers (patches that do not fit a layer, for example) are the request's.
            return .error(ExplorerRequestError(field: nil, "\(error)"))
        }
    }

    private func info() throws -> JSONValue {
        let network = engine.context.network
        let sites = try ActivationLabels.all.map { label -> JSONValue in
            .object([("label", .string(label)), ("shape", .array(try network.activationShape(of: label).map { .int($0) }))])
        }
        return .object([
            ("model", engine.context.modelPath.map { .string($0) } ?? .null),
            ("default_layer", .string("embedder.block2.res1.resadd_out")),
            ("layers", .array(sites)),
            ("limits", .object([("max_body_bytes", .int(ExplorerLimits.maxBodyBytes)),
                                ("max_wall_edits", .int(ExplorerLimits.maxWallEdits)),
                                ("max_patches", .int(ExplorerLimits.maxPatches)),
                                ("max_rollout_steps", .int(ExplorerLimits.maxRolloutSteps))])),
        ])
    }

    private func maze(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames)
        let query = try MazeQuery(fields: fields)
        let maze = try query.maze()
        return .json(ExplorerJSON.maze(maze, query: query).text + "\n")
    }

    private func vectorField(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches", "diff"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        let diff = try fields.bool("diff") ?? false
        if diff && specs.isEmpty { throw ExplorerRequestError(field: "diff", "a diff needs at least one patch in \"patches\"") }
        _ = try query.maze()
        let engine = self.engine
        let data = try await engine.compute { try engine.vectorField(query, specs: specs, diff: diff) }
        return .json(data.text)
    }

    private func readings(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        _ = try query.maze()
        let engine = self.engine
        let (original, patched) = try await engine.compute { try engine.fields(query, specs: specs) }
        return .json(ExplorerJSON.readings(original: original, patched: patched, seed: query.seed,
                                           patches: specs.map(\.text)).text + "\n")
    }

    private func activations(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches", "layer", "channels"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        let layer = try fields.string("layer") ?? "embedder.block2.res1.resadd_out"
        let channels = try fields.ints("channels", limit: 1024)
        _ = try query.maze()
        let engine = self.engine
        let (label, values) = try await engine.compute { try engine.activations(query, layer: layer, specs: specs) }
        return .json(try ExplorerJSON.activations(values, label: label, channels: channels, seed: query.seed,
                                                  patches: specs.map(\.text)).text + "\n")
    }

    private func figure(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches", "kind", "layer", "channel", "convention", "format"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches")).map(\.text)
        let kindName = try fields.string("kind") ?? "vfield"
        guard let kind = ExplorerEngine.FigureKind(rawValue: kindName) else {
            throw ExplorerRequestError(field: "kind", "'\(kindName)' is unknown; use vfield or heatmap")
        }
        let formatName = try fields.string("format") ?? "png"
        guard let format = OutputFormat(rawValue: formatName) else {
            throw ExplorerRequestError(field: "format", "'\(formatName)' is unknown; use png, svg or pdf")
        }
        let convention = try fields.string("convention") ?? "posts"
        guard ["posts", "paper"].contains(convention) else {
            throw ExplorerRequestError(field: "convention", "'\(convention)' is unknown; use posts or paper")
        }
        let layer = try fields.string("layer") ?? "embedder.block2.res1.resadd_out"
        let channel = try fields.int("channel", in: 0...4095) ?? 0
        _ = try query.maze()
        let engine = self.engine
        let bytes = try await engine.compute {
            try engine.figure(query, kind: kind, specs: specs, layer: layer, channel: channel, convention: convention, format: format)
        }
        let types: [OutputFormat: String] = [.png: "image/png", .svg: "image/svg+xml", .pdf: "application/pdf"]
        return ExplorerResponse(status: 200, contentType: types[format]!, body: Data(bytes))
    }

    /// Runs on the connection's own task, not the compute queue: it needs no network and takes milliseconds.
    private func view(_ fields: RequestFields) throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames)
        let query = try MazeQuery(fields: fields)
        return ExplorerResponse(status: 200, contentType: "image/png", body: Data(try engine.view(query)))
    }

    private func rollout(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches", "steps", "sampled", "sample_seed"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        let steps = try fields.int("steps", in: 1...ExplorerLimits.maxRolloutSteps) ?? 100
        let sampleSeed = try fields.int("sample_seed", in: 0...Int(UInt32.max))
        let selection: ActionSelection = try fields.bool("sampled") == true ? .sample(seed: UInt32(sampleSeed ?? 0)) : .argmax
        if sampleSeed != nil, selection == .argmax {
            throw ExplorerRequestError(field: "sample_seed", "applies only with \"sampled\": true")
        }
        _ = try query.maze()
        let engine = self.engine
        let rollouts = try await engine.compute { try engine.rollouts(query, specs: specs, steps: steps, selection: selection) }
        return .json(ExplorerJSON.rollouts(rollouts, seed: query.seed, patches: specs.map(\.text)).text + "\n")
    }
}
