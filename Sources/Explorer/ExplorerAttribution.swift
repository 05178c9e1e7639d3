import ActivationPatching
import Attribution
import Foundation
import ImpalaPolicy
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyGradients
import Tensors

/// The explorer's attribution overlay and value-map layer (issue 25): `POST /api/attribution` and
/// `POST /api/value-map`, computed by the library (`Attributor`, `ValueMap`) as `mazerender attribute` and
/// `mazerender value-map` compute them.
public typealias ExplorerAttributionMethod = AttributionMethodName

/// Integrated gradients' starting points the explorer offers (the cheap ones: no blur, no mean over levels).
public enum ExplorerAttributionBaseline: String, Sendable, CaseIterable {
    case black
    case noCheese = "no-cheese"
}

/// One attribution of the observation, summed over RGB.
public struct ExplorerAttributionResult: Sendable {
    /// The target as requested (`argmax`, `value`, a group, ...) and as resolved (`argmax` becomes a group).
    public var requested: String
    public var target: GradientTarget
    public var result: AttributionResult
    /// `[64 · 64]`, row 0 at the top: the attribution summed over the three colour channels (Float, R + G + B).
    public var pixels: [Float]
}

extension ExplorerEngine {
    /// The default integration steps of the explorer (captum's default is 50; 16 Gauss-Legendre nodes keep an
    /// edit under a second on the bundled agent in a release build).
    public static let defaultAttributionSteps = 16

    /// Attribution of `target` to `query`'s observation (the mouse where the query puts it), `specs` applied.
    /// `target`: `argmax` (the grouped action most probable at the mouse, with the patches; ties to the first of
    /// left, down, up, right, noop), `value`, a group, `log:GROUP` or `logit:K`.
    /// Cost: gradient methods one forward and one backward pass (plus one forward pass for `argmax`); integrated
    /// gradients `steps` backward passes.
    public func attribution(_ query: MazeQuery, specs: [(text: String, spec: PatchSpec)], target: String,
                            method: ExplorerAttributionMethod, baseline: ExplorerAttributionBaseline,
                            steps: Int) throws -> ExplorerAttributionResult {
        let maze = try query.maze()
        let edits = try edits(for: specs, query: query)
        let observation = context.renderer.networkInput(for: [maze])
        let resolved: GradientTarget
        if target == "argmax" {
            let output = try context.network.forward(observation, edits: edits, path: .ordinary)
            let groups = Array(output.groupProbabilities.scalars.prefix(ActionGroup.allCases.count))
            var best = 0
            for index in groups.indices where groups[index] > groups[best] { best = index }
            resolved = .probability(ActionGroup.allCases[best])
        } else {
            do { resolved = try GradientTarget(parsing: target) } catch {
                throw ExplorerRequestError(field: "target", "'\(target)' is unknown; use argmax, value, left, down, up, right, noop, log:GROUP or logit:K")
            }
            if case let .logit(index) = resolved, index >= context.network.actionCount {
                throw ExplorerRequestError(field: "target", "logit \(index) is out of range: the model has \(context.network.actionCount) actions")
            }
        }
        var start: Tensor?
        let rule = method.method(steps: steps, integration: .gaussLegendre)
        if method == .integratedGradients {
            switch baseline {
            case .black: start = Baselines.black
            case .noCheese:
                guard maze.cheese != nil else {
                    throw ExplorerRequestError(field: "baseline", "no-cheese needs a maze with cheese; use black")
                }
                var empty = maze
                empty.removeCheese()
                start = context.renderer.networkInput(for: [empty])
            }
        }
        let result: AttributionResult
        do {
            result = try Attributor(network: context.network).attribute(resolved, observation: observation, baseline: start,
                                                                         method: rule, edits: edits)
        } catch let error as GradientError {
            throw ExplorerRequestError(field: "patches", "\(error)")
        }
        let plane = 64 * 64, values = result.attribution.scalars
        let pixels = (0..<plane).map { values[$0] + values[plane + $0] + values[2 * plane + $0] }
        return ExplorerAttributionResult(requested: target, target: resolved, result: result, pixels: pixels)
    }

    /// The value head with the mouse on every legal cell of `query`'s maze (its mouse field is ignored), plain and,
    /// with `specs`, patched: `value-map --out F.json`'s JSON. Cost: one batched forward pass per map.
    public func valueMap(_ query: MazeQuery, specs: [(text: String, spec: PatchSpec)]) throws -> JSONValue {
        let maze = try query.maze()
        let edits = try edits(for: specs, query: query)
        let plain = try ValueMap(maze: maze, evaluator: context.evaluator)
        let patched = edits.isEmpty ? nil : try ValueMap(maze: maze, evaluator: context.evaluator, edits: edits)
        let cells: [JSONValue] = plain.positions.indices.map { index in
            var cell: [(String, JSONValue)] = [("x", .int(plain.positions[index].x)), ("y", .int(plain.positions[index].y)),
                                               ("value", .float(plain.values[index]))]
            if let patched { cell.append(("patched", .float(patched.values[index]))) }
            return .object(cell)
        }
        return .object([
            ("seed", .int(Int(query.seed))), ("maze_dim", .int(maze.mazeDimension)),
            ("model", context.modelPath.map { .string($0) } ?? .null), ("patches", .array(specs.map { .string($0.text) })),
            ("cells", .array(cells)),
        ])
    }
}

extension ExplorerJSON {
    /// `/api/attribution`: `{"seed", "patches", "requested_target", "target", "method", "target_value", "mouse",
    /// "width": 64, "height": 64, "max_abs", "attribution_sum", "pixels": [64·64, row 0 at the top, summed over
    /// RGB]}`, and for integrated gradients `"baseline", "steps", "baseline_value", "completeness_error"`.
    static func attribution(_ value: ExplorerAttributionResult, query: MazeQuery, mouse: MazePoint?, patches: [String],
                            method: ExplorerAttributionMethod, baseline: ExplorerAttributionBaseline, steps: Int) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("seed", .int(Int(query.seed))), ("patches", .array(patches.map { .string($0) })),
            ("requested_target", .string(value.requested)), ("target", .string(value.target.description)),
            ("method", .string(method.rawValue)), ("target_value", .float(value.result.targetValue)),
            ("mouse", mouse.map { .pair($0.x, $0.y) } ?? .null),
            ("width", .int(64)), ("height", .int(64)),
            ("max_abs", .float(value.pixels.map(abs).max() ?? 0)),
            ("attribution_sum", .double(value.pixels.reduce(0.0) { $0 + Double($1) })),
        ]
        if method == .integratedGradients {
            fields += [("baseline", .string(baseline.rawValue)), ("steps", .int(steps)),
                       ("baseline_value", value.result.baselineValue.map { .float($0) } ?? .null),
                       ("completeness_error", value.result.completenessError.map { .float($0) } ?? .null)]
        }
        fields.append(("pixels", .floats(value.pixels)))
        return .object(fields)
    }
}

extension ExplorerAPI {
    /// The largest `steps` the explorer accepts for integrated gradients.
    static let maxAttributionSteps = 64

    func attribution(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches", "target", "method", "baseline", "steps"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        let target = try fields.string("target") ?? "argmax"
        let methodName = try fields.string("method") ?? ExplorerAttributionMethod.gradientTimesInput.rawValue
        guard let method = ExplorerAttributionMethod(rawValue: methodName) else {
            throw ExplorerRequestError(field: "method", "'\(methodName)' is unknown; use gradient, gradient-x-input or integrated-gradients")
        }
        let baselineName = try fields.string("baseline")
        let baseline = try baselineName.map { name throws(ExplorerRequestError) -> ExplorerAttributionBaseline in
            guard let baseline = ExplorerAttributionBaseline(rawValue: name) else {
                throw ExplorerRequestError(field: "baseline", "'\(name)' is unknown; use black or no-cheese")
            }
            return baseline
        } ?? .black
        let steps = try fields.int("steps", in: 1...Self.maxAttributionSteps)
        if method != .integratedGradients, baselineName != nil || steps != nil {
            throw ExplorerRequestError(field: baselineName != nil ? "baseline" : "steps",
                                       "applies only with \"method\": \"integrated-gradients\"")
        }
        let maze = try query.maze()
        let engine = self.engine, count = steps ?? ExplorerEngine.defaultAttributionSteps
        let value = try await engine.compute {
            try engine.attribution(query, specs: specs, target: target, method: method, baseline: baseline, steps: count)
        }
        return .json(ExplorerJSON.attribution(value, query: query, mouse: maze.mouseMaze, patches: specs.map(\.text),
                                              method: method, baseline: baseline, steps: count).text + "\n")
    }

    func valueMap(_ fields: RequestFields) async throws -> ExplorerResponse {
        try fields.rejectUnknown(MazeQuery.fieldNames.union(["patches"]))
        let query = try MazeQuery(fields: fields)
        let specs = try engine.parseSpecs(try fields.specs("patches"))
        _ = try query.maze()
        let engine = self.engine
        let value = try await engine.compute { try engine.valueMap(query, specs: specs) }
        return .json(value.text + "\n")
    }
}
