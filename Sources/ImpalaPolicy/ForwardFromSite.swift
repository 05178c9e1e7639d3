import Tensors

/// The network run on a batch up to one activation site, before that site's edits: the shared part of
/// several forward passes that differ only in edits at that site or later (an original and a patched
/// variant, a sweep over a patch's coefficient). Made by `ImpalaNetwork.prefix(_:upTo:capturing:)`, continued
/// by `ImpalaNetwork.forward(from:capturing:edits:)` as many times as needed.
public struct ActivationPrefix: Sendable {
    /// The canonical label of the site the prefix stops at.
    public let label: String
    /// Observations in the batch.
    public var batch: Int { state.value.shape[0] }
    /// The activations captured on the way (sites before `label`), keyed as requested.
    public let activations: [String: Tensor]
    let state: TrunkState
    /// Set when the site lies after the trunk: the flat activations (`embedder.flatten_out` after its visit).
    let isHead: Bool
}

extension ImpalaNetwork {
    /// Runs `input` up to `label` (its value before any edit there), once, for `forward(from:)` to continue.
    /// Sites after `embedder.flatten_out` stop there instead (the head is cheap).
    ///
    /// - Parameters:
    ///   - input: `[N, 3, 64, 64]`, as for `forward`.
    ///   - label: the first site any continuation edits (an alias is allowed).
    ///   - capturing: labels before `label` to keep (later ones are captured by `forward(from:)`).
    /// - Returns: the prefix; its cost is the convolutions before the site, `forward(from:)` pays the rest.
    /// - Throws: `ImpalaPolicyError.invalidInput` or `.unknownLabel`.
    public func prefix(_ input: Tensor, upTo label: String, capturing: [String] = []) throws -> ActivationPrefix {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 64, input.shape[3] == 64 else {
            throw ImpalaPolicyError.invalidInput(shape: input.shape)
        }
        let canonical = try ActivationLabels.canonical(label)
        let flatIndex = Self.siteIndex("embedder.flatten_out")
        let stop = Self.siteIndex(canonical)
        var sites = SiteHooks()
        for name in capturing {
            let site = try ActivationLabels.canonical(name)
            if Self.siteIndex(site) < min(stop, flatIndex + 1) { sites.captures[site, default: []].append(name) }
        }
        if stop > flatIndex {
            let state = try walk(TrunkState(site: 0, value: input), until: nil, &sites, parallel: true)
            return ActivationPrefix(label: canonical, activations: sites.captured, state: state, isHead: true)
        }
        let state = try walk(TrunkState(site: 0, value: input), until: stop, &sites, parallel: true)
        return ActivationPrefix(label: canonical, activations: sites.captured, state: state, isHead: false)
    }

    /// Continues a prefix through the rest of the network with `edits` (each at the prefix's site or later).
    /// The outputs equal `forward(input, capturing:, edits:, path: .ordinary)` up to float rounding (tested
    /// ≤ 1e-5); captures before the site come from the prefix.
    /// - Throws: `ImpalaPolicyError.editBeforePrefix`, `.unknownLabel`, `.patchChangedShape` or an edit's error.
    /// Cost: the convolutions from the site on, on all cores.
    public func forward(from prefix: ActivationPrefix, capturing: [String] = [],
                        edits: [ActivationEdit] = []) throws -> PolicyOutput {
        let start = Self.siteIndex(prefix.label)
        var sites = SiteHooks()
        for edit in edits {
            let site = try ActivationLabels.canonical(edit.label)
            guard Self.siteIndex(site) >= start else { throw ImpalaPolicyError.editBeforePrefix(label: edit.label, prefix: prefix.label) }
            sites.edits[site, default: []].append(edit)
        }
        for name in capturing {
            let site = try ActivationLabels.canonical(name)
            if Self.siteIndex(site) >= start || (prefix.isHead && Self.siteIndex(site) > Self.siteIndex("embedder.flatten_out")) {
                sites.captures[site, default: []].append(name)
            }
        }
        let flat = prefix.isHead ? prefix.state.value : try walk(prefix.state, until: nil, &sites, parallel: true).value
        var output = try head(flat, &sites)
        for (name, value) in prefix.activations where capturing.contains(name) { output.activations[name] = value }
        return output
    }

    /// Several variants of one batch, each a list of edits (an empty list is the unpatched network), sharing
    /// every layer before the first site any variant edits. Batches the automatic pass would run
    /// incrementally (one maze, the mouse moved: a vector field) run as separate automatic passes instead,
    /// which costs less there.
    /// - Returns: one output per variant, in order; each equals `forward(input, capturing:, edits: variant)` up
    ///   to float rounding.
    public func forwardVariants(_ input: Tensor, variants: [[ActivationEdit]], capturing: [String] = []) throws -> [PolicyOutput] {
        let allEdits = variants.flatMap { $0 }
        let sitesEdited = try allEdits.map { Self.siteIndex(try ActivationLabels.canonical($0.label)) }
        guard variants.count >= 2, let first = sitesEdited.min(), first > 0,
              !(input.shape.first ?? 0 >= 2 && incrementalAllows(allEdits) && incrementalSavings(for: input) != nil) else {
            return try variants.map { try forward(input, capturing: capturing, edits: $0) }
        }
        let shared = try prefix(input, upTo: ActivationLabels.all[first], capturing: capturing)
        return try variants.map { try forward(from: shared, capturing: capturing, edits: $0) }
    }

    /// The position of a canonical label in `ActivationLabels.all`.
    static func siteIndex(_ canonical: String) -> Int {
        ActivationLabels.all.firstIndex(of: canonical)!
    }
}
