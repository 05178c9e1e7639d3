import ActivationPatching
import FigureJobs
import Foundation
import ImpalaPolicy
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import Tensors

/// The analysis behind the explorer's API, all of it delegated: mazes from `MazeQuery` (MazeSimulation), patch
/// specs resolved by `resolveEdits` (PolicyAnalysis, as the CLI resolves them), vector fields (`VectorField`),
/// activations (`PolicyEvaluator.activations`) and rollouts (`Rollouts.play`).
///
/// Work runs one request at a time on a serial queue (the forward pass already uses every core), off Swift's
/// cooperative threads, so the server keeps accepting connections while a field is computed. Resolved patches
/// and unpatched fields are cached (a few dozen entries), so dragging a slider recomputes only the patched field.
public final class ExplorerEngine: @unchecked Sendable {
    public let context: FigureContext
    /// What the figures it serves record about their making (the `serve` command line and model).
    public let provenance: Provenance
    private let queue = DispatchQueue(label: "mazerender.explorer.compute")
    private let lock = NSLock()
    private var editCache: [String: [ActivationEdit]] = [:]
    private var fieldCache: [String: VectorField] = [:]
    private static let cacheLimit = 48

    public init(context: FigureContext, provenance: Provenance = Provenance()) {
        self.context = context
        self.provenance = provenance
    }

    /// The request being answered (set by `ExplorerAPI.respond`), so that `compute` can skip overtaken work.
    @TaskLocal static var ticket: ExplorerTicket?

    /// Runs `work` on the compute queue, unless a newer request of the same kind from the same page arrived
    /// while it waited (then it throws a 409 `ExplorerRequestError` without running).
    func compute<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        let ticket = Self.ticket
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                if let ticket, !ticket.isCurrent {
                    continuation.resume(throwing: ExplorerRequestError(status: 409, field: nil, "overtaken by a newer request from the same page"))
                    return
                }
                continuation.resume(with: Result { try work() })
            }
        }
    }

    // MARK: - Patches

    /// Parses each spec (a SPEC string or a PatchSpec JSON object). - Throws: naming `patches[i]`.
    func parseSpecs(_ items: [RequestFields.SpecItem]) throws(ExplorerRequestError) -> [(text: String, spec: PatchSpec)] {
        var result: [(text: String, spec: PatchSpec)] = []
        for (index, item) in items.enumerated() {
            do {
                switch item {
                case .text(let text): result.append((text, try PatchSpec(parsing: text)))
                case .json(let data):
                    let spec = try JSONDecoder().decode(PatchSpec.self, from: data)
                    result.append((spec.description, spec))
                }
            } catch {
                throw ExplorerRequestError(field: "patches[\(index)]", "\(error)")
            }
        }
        return result
    }

    /// The forward-pass edits for `specs` on `query`'s level, resolved as the CLI resolves them (maze-dependent
    /// vectors from the generated level `query.seed`, or the spec's `source`). - Throws: naming `patches[i]`.
    func edits(for specs: [(text: String, spec: PatchSpec)], query: MazeQuery) throws(ExplorerRequestError) -> [ActivationEdit] {
        guard !specs.isEmpty else { return [] }
        let key = "\(query.generator)|\(query.seed)|" + specs.map(\.text).joined(separator: ";")
        if let cached = locked({ editCache[key] }) { return cached }
        let resolve = { (list: [PatchSpec]) throws -> [ActivationEdit] in
            try resolveEdits(specs: list, targetSeed: query.seed, network: self.context.network,
                             renderer: self.context.renderer, generator: query.generator.generator)
        }
        let edits: [ActivationEdit]
        do {
            edits = try resolve(specs.map(\.spec))
        } catch {
            // Name the first spec that fails on its own; otherwise the composition as a whole.
            for (index, item) in specs.enumerated() {
                do { _ = try resolve([item.spec]) } catch {
                    throw ExplorerRequestError(field: "patches[\(index)]", "\(error)")
                }
            }
            throw ExplorerRequestError(field: "patches", "\(error)")
        }
        locked {
            if editCache.count >= Self.cacheLimit { editCache.removeAll() }
            editCache[key] = edits
        }
        return edits
    }

    // MARK: - Fields, activations, rollouts

    /// The vector field of `query`'s maze: patched when `specs` is non-empty; with `diff`, the original and the
    /// patched field as `vfield-diff --out F.json` writes them. Cost: one batched forward pass per field not cached.
    public func vectorField(_ query: MazeQuery, specs: [(text: String, spec: PatchSpec)], diff: Bool) throws -> VectorFieldData {
        let maze = try query.maze()
        let edits = try edits(for: specs, query: query)
        if diff, !specs.isEmpty { try computePair(query, maze: maze, specs: specs, edits: edits) }
        let original = try field(query, maze: maze, specs: [], edits: [])
        let patched = specs.isEmpty ? original : try field(query, maze: maze, specs: specs, edits: edits)
        let texts = specs.map(\.text)
        if diff {
            return VectorFieldData(seed: query.seed, maze: maze, model: context.modelPath, patches: texts,
                                   field: original, patched: patched)
        }
        return VectorFieldData(seed: query.seed, maze: maze, model: context.modelPath, patches: texts, field: patched)
    }

    private func field(_ query: MazeQuery, maze: MazeState, specs: [(text: String, spec: PatchSpec)],
                       edits: [ActivationEdit]) throws -> VectorField {
        let key = fieldKey(query, specs)
        if let cached = locked({ fieldCache[key] }) { return cached }
        let field = try VectorField(maze: maze, evaluator: context.evaluator, edits: edits)
        cache(field, key)
        return field
    }

    /// The original and the patched field together when neither is cached (`VectorField.variants`: shared
    /// layers before the patched site where that costs less), into the cache.
    private func computePair(_ query: MazeQuery, maze: MazeState, specs: [(text: String, spec: PatchSpec)],
                             edits: [ActivationEdit]) throws {
        let keys = [fieldKey(query, []), fieldKey(query, specs)]
        guard locked({ keys.allSatisfy { fieldCache[$0] == nil } }) else { return }
        for (key, field) in zip(keys, try VectorField.variants(maze: maze, evaluator: context.evaluator, variants: [[], edits])) {
            cache(field, key)
        }
    }

    private func fieldKey(_ query: MazeQuery, _ specs: [(text: String, spec: PatchSpec)]) -> String {
        "\(query)|" + specs.map(\.text).joined(separator: ";")
    }

    private func cache(_ field: VectorField, _ key: String) {
        locked {
            if fieldCache.count >= Self.cacheLimit { fieldCache.removeAll() }
            fieldCache[key] = field
        }
    }

    /// The original field and, with `specs`, the patched one (cached when `vectorField` just computed them).
    public func fields(_ query: MazeQuery, specs: [(text: String, spec: PatchSpec)]) throws -> (original: VectorField, patched: VectorField?) {
        let maze = try query.maze()
        let original = try field(query, maze: maze, specs: [], edits: [])
        guard !specs.isEmpty else { return (original, nil) }
        return (original, try field(query, maze: maze, specs: specs, edits: try edits(for: specs, query: query)))
    }

    /// The activations at `layer` with the mouse where `query` puts it, `specs` applied.
    /// - Returns: `[C, H, W]` (row 0 at the top) or `[F]`. - Throws: naming `layer` for an unknown label.
    public func activations(_ query: MazeQuery, layer: String, specs: [(text: String, spec: PatchSpec)]) throws -> (label: String, values: Tensor) {
        let label: String
        do { label = try ActivationLabels.canonical(layer) } catch {
            throw ExplorerRequestError(field: "layer", "'\(layer)' is not an activation site; GET /api/info lists them")
        }
        let maze = try query.maze()
        let values = try context.evaluator.activations(of: maze, layer: label, edits: try edits(for: specs, query: query))
        return (label, values)
    }

    /// Plays the policy from `query`'s state (the mouse where it is): unpatched, and patched when `specs` is
    /// non-empty. Cost: one batch-1 forward pass per step and variant.
    public func rollouts(_ query: MazeQuery, specs: [(text: String, spec: PatchSpec)], steps: Int,
                         selection: ActionSelection) throws -> [Rollout] {
        let maze = try query.maze()
        var variants = [RolloutVariant(name: "original")]
        if !specs.isEmpty { variants.append(RolloutVariant(name: "patched", edits: try edits(for: specs, query: query))) }
        return try variants.enumerated().map { index, variant in
            try Rollouts.play(maze, variant: variant, variantIndex: index, evaluator: context.evaluator,
                              maxSteps: steps, selection: selection)
        }
    }

    private func locked<Value>(_ body: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
