import ActivationPatching
import Attribution
import CairoGraphics
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import MazeSimulation
import ModelFiles
import OutputFiles
import PolicyAnalysis
import PolicyGradients
import Tensors

/// `attribute` as a job: the attribution of one scalar of the policy (a grouped action's probability, its log,
/// a logit or the value) to the observation of one level, or to an activation site, with patches applied.
/// Writes `.npy` (the attribution, float32, shaped like the observation `[3, 64, 64]` or the site), `.json`
/// (the numbers: target value, completeness error, channel totals) or a figure (`.png`, `.svg`, `.pdf`).
public struct AttributeJob: Job {
    public typealias Method = AttributionMethodName

    /// Integrated gradients' starting point.
    public enum Baseline: String, Sendable, CaseIterable {
        /// All zeros.
        case black
        /// The observation blurred (Gaussian, `blurSigma` pixels).
        case blur
        /// The same maze rendered without its cheese (mouse and everything else unchanged).
        case noCheese = "no-cheese"
        /// The mean observation over the levels `meanSeeds` (mouse at each level's start).
        case mean
    }

    public var seed: Int32
    public var generator: LevelGenerator
    /// `left|down|up|right|noop`, `log:GROUP`, `logit:K` or `value`.
    public var target: String
    public var method: Method
    public var baseline: Baseline
    /// Integration steps (integrated gradients).
    public var steps: Int
    public var integration: IntegrationMethod
    /// An activation site to attribute to instead of the observation.
    public var layer: String?
    /// Patch SPECs applied in every forward pass.
    public var patches: [String]
    /// Maze edits (mouse, cheese, facing) applied before rendering.
    public var edits: MazeEdits
    public var blurSigma: Float
    public var meanSeeds: [Int32]
    /// `.npy`, `.json`, `.png`, `.svg` or `.pdf`.
    public var out: String

    public init(seed: Int32, generator: LevelGenerator = LevelGenerator(), target: String,
                method: Method = .integratedGradients, baseline: Baseline = .black, steps: Int = 50,
                integration: IntegrationMethod = .gaussLegendre, layer: String? = nil, patches: [String] = [],
                edits: MazeEdits = MazeEdits(), blurSigma: Float = Baselines.defaultBlurSigma,
                meanSeeds: [Int32] = Array(0..<100), out: String) {
        self.seed = seed
        self.generator = generator
        self.target = target
        self.method = method
        self.baseline = baseline
        self.steps = steps
        self.integration = integration
        self.layer = layer
        self.patches = patches
        self.edits = edits
        self.blurSigma = blurSigma
        self.meanSeeds = meanSeeds
        self.out = out
    }

    /// What was computed and written.
    public struct Result: Sendable, CustomStringConvertible {
        public var path: String
        public var attribution: AttributionResult
        public var target: GradientTarget
        public var summary: String
        public var description: String { "\(path): \(summary)" }
    }

    public enum OutputKind: Sendable { case array, numbers, figure(OutputFormat) }

    /// The output kind `out` names. - Throws: `JobError(.out)` for another extension.
    public static func outputKind(_ path: String) throws -> OutputKind {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return .array }
        if lower.hasSuffix(".json") { return .numbers }
        do {
            return .figure(try OutputFormat.forWriting(to: path))
        } catch {
            throw JobError(.out, "\(path): \(error); attribute writes .npy, .json, .png, .svg or .pdf")
        }
    }

    /// Checks the settings that need no network. - Throws: `JobError` naming the setting.
    public func validate() throws -> (GradientTarget, GradientVariable) {
        let parsed: GradientTarget
        do { parsed = try GradientTarget(parsing: target) } catch { throw JobError(.target, "\(target): \(error)") }
        if method == .integratedGradients, steps < (integration == .riemannTrapezoid ? 2 : 1) {
            throw JobError(.steps, "\(steps) is too few for \(integration.rawValue): use at least \(integration == .riemannTrapezoid ? 2 : 1)")
        }
        if baseline == .mean, meanSeeds.isEmpty { throw JobError(.baseline, "mean needs at least one level (meanSeeds is empty)") }
        var variable = GradientVariable.observation
        if let layer {
            do { _ = try ActivationLabels.canonical(layer) } catch { throw JobError(.layer, "\(error)") }
            variable = .activation(layer)
        }
        _ = try Self.outputKind(out)
        return (parsed, variable)
    }

    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        let (parsedTarget, variable) = try validate()
        let kind = try Self.outputKind(out)
        let maze = try AttributionInputs.maze(seed: seed, generator: generator, edits: edits)
        let observation = context.renderer.networkInput(for: [maze])
        let activationEdits = try AttributionInputs.edits(patches, seed: seed, context: context, generator: generator)
        var start: Tensor?
        if method == .integratedGradients { start = try baselineObservation(for: maze, observation: observation, context: context) }
        progress?(JobProgress(note: "attribute: \(method.rawValue) of \(parsedTarget) at seed \(seed)"))
        let attributor = Attributor(network: context.network)
        let rule = method.method(steps: steps, integration: integration)
        let result: AttributionResult
        do {
            result = try attributor.attribute(parsedTarget, observation: observation, baseline: start, variable: variable,
                                              method: rule, edits: activationEdits)
        } catch let error as GradientError {
            throw JobError(.patches, "\(error)")
        }
        let summary = describe(result, target: parsedTarget)
        switch kind {
        case .array:
            try NumpyFile.write(result.attribution, to: URL(fileURLWithPath: out))
        case .numbers:
            try JSONFiles.write(numbers(result, target: parsedTarget, maze: maze, model: context.modelPath), to: out)
        case let .figure(format):
            let sprites = try MazeSprites(assets: context.renderer.assets)
            let mouse = edits.mouse.map { " (mouse at \($0.x),\($0.y))" } ?? ""
            let title = "seed \(seed)\(mouse), \(parsedTarget) = \(String(format: "%.4g", result.targetValue)): "
                + methodText(result)
            let canvas = layer == nil
                ? try AttributionDrawing.pixelFigure(maze: maze, attribution: result.attribution.scalars, title: title,
                                                     sprites: sprites, format: format)
                : try AttributionDrawing.siteFigure(maze: maze, attribution: result.attribution.scalars,
                                                    shape: result.attribution.shape, title: title, sprites: sprites,
                                                    format: format)
            try canvas.write(to: out, metadata: context.provenance.describing(seeds: "\(seed)", patches: patches).entries)
        }
        return Result(path: out, attribution: result, target: parsedTarget, summary: summary)
    }

    /// The starting observation of integrated gradients, `[1, 3, 64, 64]`.
    func baselineObservation(for maze: MazeState, observation: Tensor, context: JobContext) throws -> Tensor {
        switch baseline {
        case .black:
            return Baselines.black
        case .blur:
            return Baselines.blurred(observation, sigma: blurSigma)
        case .noCheese:
            guard maze.cheese != nil else {
                throw JobError("seed \(seed) has no cheese here, so the no-cheese baseline is the observation itself; "
                    + "pick another baseline or leave out the cheese removal")
            }
            var empty = maze
            empty.removeCheese()
            return context.renderer.networkInput(for: [empty])
        case .mean:
            return Baselines.mean(of: context.renderer.networkInput(for: meanSeeds.map { generator.generate(seed: $0) }))
        }
    }

    func describe(_ result: AttributionResult, target: GradientTarget) -> String {
        "\(target) = \(String(format: "%.4g", result.targetValue)), " + methodText(result)
    }

    /// The method, site, baseline and completeness error in words.
    func methodText(_ result: AttributionResult) -> String {
        var text = method.rawValue
        if let layer { text += " at \(layer)" }
        if method == .integratedGradients, let error = result.completenessError {
            text += " (\(baseline.rawValue) baseline, \(steps) \(integration.rawValue) steps; completeness error "
                + String(format: "%.2g", error) + ")"
        }
        return text
    }

    func numbers(_ result: AttributionResult, target: GradientTarget, maze: MazeState, model: String?) -> JSONValue {
        let values = result.attribution.scalars
        var fields: [(String, JSONValue)] = [
            ("seed", .int(Int(seed))), ("maze_dim", .int(maze.mazeDimension)), ("model", model.map { .string($0) } ?? .null),
            ("target", .string(target.description)), ("method", .string(method.rawValue)),
            ("layer", layer.map { .string($0) } ?? .null), ("patches", .array(patches.map { .string($0) })),
            ("shape", .array(result.attribution.shape.map { .int($0) })),
            ("target_value", .float(result.targetValue)),
            ("attribution_sum", .double(values.reduce(0.0) { $0 + Double($1) })),
            ("max_abs", .float(values.map(abs).max() ?? 0)),
        ]
        if method == .integratedGradients {
            fields += [("baseline", .string(baseline.rawValue)), ("steps", .int(steps)),
                       ("integration", .string(integration.rawValue)),
                       ("baseline_value", result.baselineValue.map { .float($0) } ?? .null),
                       ("completeness_error", result.completenessError.map { .float($0) } ?? .null)]
        }
        if layer != nil {
            let channels = result.attribution.shape[0], cells = values.count / max(1, channels)
            fields.append(("channel_totals", .floats((0..<channels).map { c in values[(c * cells)..<((c + 1) * cells)].reduce(0, +) })))
        }
        return .object(fields)
    }
}

/// The level, patches and observations the attribution jobs share.
enum AttributionInputs {
    /// Level `seed` with `edits` applied. - Throws: `JobError` naming the seed.
    static func maze(seed: Int32, generator: LevelGenerator, edits: MazeEdits) throws -> MazeState {
        var maze = generator.generate(seed: seed)
        do { try edits.apply(to: &maze) } catch { throw JobError("seed \(seed): \(error)") }
        return maze
    }

    /// The forward-pass edits of patch SPECs for level `seed`. - Throws: `JobError` naming the patch.
    static func edits(_ specs: [String], seed: Int32, context: JobContext, generator: LevelGenerator) throws -> [ActivationEdit] {
        let parsed = try specs.map { text -> PatchSpec in
            do { return try PatchSpec(parsing: text) } catch { throw JobError(.patches, "'\(text)': \(error)") }
        }
        return try resolveEdits(specs: parsed, targetSeed: seed, network: context.network, renderer: context.renderer,
                                generator: generator)
    }
}
