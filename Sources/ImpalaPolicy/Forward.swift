import Tensors

/// A replacement for one activation site's output during a forward pass. The closure receives the
/// activation (`[N, ...]`, NCHW for conv sites) and edits it in place; the edited value is what the rest of
/// the network sees. Edits at the same site run in the order given.
public struct ActivationEdit: Sendable {
    /// The site, a label from `ActivationLabels.all` (or an alias).
    public var label: String
    /// True when the edit treats every batch element on its own (adding a vector, zeroing a channel), so
    /// the network may apply it to parts of the batch separately; false when it reads across the batch
    /// (a batch mean, batch element 0's values), which makes the pass see the whole batch at once.
    public var batchIndependent: Bool
    /// True when every output element depends only on the same element's input value and its position
    /// `(c, h, w)` (adding a fixed vector, ablating channels, setting a cell); implies `batchIndependent`.
    /// Such edits let the incremental forward pass apply them to the changed region of each observation
    /// alone; other edits make it fall back to the ordinary pass.
    public var elementwise: Bool
    public var apply: @Sendable (inout Tensor) throws -> Void
    /// The edit's derivative for the reverse pass, when it has an elementwise one: given the activation
    /// before the edit (`[N, ...]`) and the gradient with respect to the edited activation (same shape), it
    /// multiplies the gradient in place by `∂ edited / ∂ before` element by element (1 where a vector was
    /// added, 0 where a value was overwritten). Nil when the edit has none (it reads across the batch or
    /// across positions); gradients through the site then refuse rather than pass through wrongly.
    public var derivative: (@Sendable (_ before: Tensor, _ gradient: inout Tensor) -> Void)?
    /// What the edit is, for messages (`"zero ablation of 3 channels"`); "an edit" unless the maker says.
    public var summary: String

    public init(label: String, batchIndependent: Bool = false, elementwise: Bool = false, summary: String = "an edit",
                derivative: (@Sendable (_ before: Tensor, _ gradient: inout Tensor) -> Void)? = nil,
                apply: @escaping @Sendable (inout Tensor) throws -> Void) {
        self.label = label
        self.batchIndependent = batchIndependent || elementwise
        self.elementwise = elementwise
        self.summary = summary
        self.derivative = derivative
        self.apply = apply
    }
}

/// Which way `ImpalaNetwork.forward` computes the convolutional trunk.
public enum ForwardPath: Sendable, CaseIterable {
    /// The incremental pass when the batch shares a base image and it saves work (see
    /// `ImpalaNetwork.incrementalSavings(for:)`), else the ordinary pass. The default.
    case automatic
    /// Every observation through every layer in full.
    case ordinary
}

/// What one batched forward pass produced.
public struct PolicyOutput: Sendable {
    /// Raw `fc_policy` outputs, `[N, actions]`.
    public var logits: Tensor
    /// `log_softmax(logits)`, `[N, actions]`.
    public var logSoftmax: Tensor
    /// `softmax(logits)`, `[N, actions]`.
    public var probabilities: Tensor
    /// Probabilities summed per `ActionGroup`, `[N, 5]` in the order LEFT, DOWN, UP, RIGHT, NOOP.
    public var groupProbabilities: Tensor
    /// `fc_value` output, one per observation.
    public var values: [Float]
    /// The requested activations, keyed by the label as requested, each `[N, ...]` (after any edit there).
    public var activations: [String: Tensor]
}

/// procgen's 15 maze actions grouped by effect (`MAZE_ACTION_INDICES`).
public enum ActionGroup: String, CaseIterable, Sendable, Codable {
    case left, down, up, right, noop

    /// Action indices in the group: LEFT {0,1,2}, DOWN {3}, UP {5}, RIGHT {6,7,8}, NOOP {4, 9...14}.
    public var actionIndices: [Int] {
        switch self {
        case .left: return [0, 1, 2]
        case .down: return [3]
        case .up: return [5]
        case .right: return [6, 7, 8]
        case .noop: return [4, 9, 10, 11, 12, 13, 14]
        }
    }
}

extension ImpalaNetwork {
    /// Runs the network on a batch.
    ///
    /// - Parameters:
    ///   - input: `[N, 3, 64, 64]` Float32, RGB values in `[0, 1]` (see `PolicyInput`).
    ///   - capturing: activation labels to keep (only these are kept; aliases allowed).
    ///   - edits: patches applied at their sites, in order; a change propagates downstream.
    ///   - path: how the trunk is computed: `.automatic` (default) may take the incremental trunk, `.ordinary`
    ///     always runs the full pass.
    /// - Returns: logits, log-softmax, probabilities, 5-way group probabilities, values and the captures.
    /// - Throws: `ImpalaPolicyError.unknownLabel` (before any work), `.invalidInput`, `.patchChangedShape`,
    ///   or whatever an edit throws.
    ///
    /// Cost: `flopsPerObservation · N` FLOP, mostly in `cblas_sgemm`, on all cores. With two or more
    /// observations and only batch-independent edits, the convolutional trunk runs image-parallel (each
    /// worker takes a share of the batch, a few images at a time, so activations stay in cache); otherwise
    /// each layer runs on the whole batch with its work split across the workers. Both give the same values.
    ///
    /// With `path: .automatic`, a batch of observations that differ from a shared base image only in small
    /// regions (a vector field: one maze, the mouse moved) runs the incremental trunk (`incrementalTrunk`):
    /// the same values up to float rounding (max |logit difference| ≤ 1e-4 is tested), less work. Edits at
    /// trunk sites must then be `elementwise`; otherwise, and when nothing would be saved, the ordinary pass runs.
    public func forward(_ input: Tensor, capturing: [String] = [], edits: [ActivationEdit] = [],
                        path: ForwardPath = .automatic) throws -> PolicyOutput {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 64, input.shape[3] == 64 else {
            throw ImpalaPolicyError.invalidInput(shape: input.shape)
        }
        var sites = SiteHooks()
        for label in capturing { sites.captures[try ActivationLabels.canonical(label), default: []].append(label) }
        for edit in edits { sites.edits[try ActivationLabels.canonical(edit.label), default: []].append(edit) }

        var x: Tensor
        if path == .automatic, input.shape[0] >= 2, incrementalAllows(edits),
           let plan = IncrementalPlan(input: input, network: self) {
            x = try incrementalTrunk(input, plan: plan, &sites)
        } else if input.shape[0] >= 2, ComputeThreads.workerCount > 1, edits.allSatisfy(\.batchIndependent) {
            x = try shardedTrunk(input, &sites)
        } else {
            x = try trunk(input, &sites, parallel: true)
        }
        return try head(x, &sites)
    }

    /// The layers after the trunk, from `embedder.fc` on. - Parameter x: `[N, 32·scale·64]`, after
    /// `embedder.flatten_out`'s edits.
    func head(_ x: Tensor, _ sites: inout SiteHooks) throws -> PolicyOutput {
        var hidden = Dense.linear(x, weight: fc.weight, bias: fc.bias)
        try sites.visit("embedder.fc_out", &hidden)
        Elementwise.reluInPlace(&hidden)
        try sites.visit("embedder.relufc_out", &hidden)
        var logits = Dense.linear(hidden, weight: policyHead.weight, bias: policyHead.bias)
        try sites.visit("fc_policy_out", &logits)
        var value = Dense.linear(hidden, weight: valueHead.weight, bias: valueHead.bias)
        try sites.visit("fc_value_out", &value)

        let probabilities = Dense.softmax(logits)
        return PolicyOutput(logits: logits, logSoftmax: Dense.logSoftmax(logits), probabilities: probabilities,
                            groupProbabilities: Self.groupProbabilities(probabilities),
                            values: value.scalars, activations: sites.captured)
    }

    /// Whether the incremental trunk can honour `edits`: all batch-independent, element-wise at trunk sites.
    func incrementalAllows(_ edits: [ActivationEdit]) -> Bool {
        edits.allSatisfy { edit in
            guard edit.batchIndependent else { return false }
            guard let label = try? ActivationLabels.canonical(edit.label) else { return false }
            return edit.elementwise || !Self.trunkSites.contains(label)
        }
    }

    /// Sums probabilities `[N, A]` over each `ActionGroup`'s indices (indices ≥ A are skipped) → `[N, 5]`.
    public static func groupProbabilities(_ probabilities: Tensor) -> Tensor {
        let (batch, actions) = (probabilities.shape[0], probabilities.shape[1])
        var out = Tensor(zeros: [batch, ActionGroup.allCases.count])
        for n in 0..<batch {
            for (g, group) in ActionGroup.allCases.enumerated() {
                var sum: Float = 0
                for a in group.actionIndices where a < actions { sum += probabilities.scalars[n * actions + a] }
                out.scalars[n * 5 + g] = sum
            }
        }
        return out
    }
}

/// Per-pass bookkeeping: which sites to edit and which to keep.
struct SiteHooks {
    var captures: [String: [String]] = [:]
    var edits: [String: [ActivationEdit]] = [:]
    var captured: [String: Tensor] = [:]

    mutating func visit(_ label: String, _ value: inout Tensor) throws {
        if let siteEdits = edits[label] {
            let before = value.shape
            for edit in siteEdits {
                try edit.apply(&value)
                guard value.shape == before else {
                    throw ImpalaPolicyError.patchChangedShape(label: label, before: before, after: value.shape)
                }
            }
        }
        if let names = captures[label] {
            for name in names { captured[name] = value }
        }
    }
}
