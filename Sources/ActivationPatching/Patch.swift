import ImpalaPolicy
import Tensors

/// How an ablation changes the selected channels.
public enum Ablation: Sendable, Equatable, Codable {
    /// Set to 0 (procgen-tools `get_zero_patch`).
    case zero
    /// Set to the batch mean, position by position: of `reference` (`[M, C, H, W]` activations of sample
    /// observations, as `get_mean_patch(values=...)`) or, when nil, of the batch being run.
    case mean(reference: Tensor?)
    /// Multiply positive values by `positive` and negative values by `negative` (`get_multiply_patch`).
    case multiply(positive: Float, negative: Float)
}

/// An edit of activations during a forward pass, as a value: it can be stored, sent as JSON and composed.
/// Sites are activation labels (`embedder.block2.res1.resadd_out`); "channels" are dimension 1 of the site
/// (features for flat sites); vectors are per-observation activations broadcast over the batch.
public indirect enum Patch: Sendable, Equatable, Codable {
    /// `activation += coefficient · vector`; `vector` is `[C, H, W]` or `[1, C, H, W]` (e.g. the cheese
    /// vector: activations with cheese minus without).
    case addVector(layer: String, vector: Tensor, coefficient: Float)
    /// Zero, mean or multiply ablation of some or all channels.
    case ablate(layer: String, channels: ChannelSelection, mode: Ablation)
    /// Retargeting (`get_channel_pixel_patch` / `combined_pixel_patch`): the selected channels become
    /// `background` everywhere (or, when nil, batch element 0's values copied to the whole batch) and
    /// `value` at `cell`.
    case setCell(layer: String, channels: ChannelSelection, cell: ChannelCell, value: Float, background: Float?)
    /// Random-vector control: adds `coefficient · std · N(0, 1)` with one fixed vector per (seed, site shape),
    /// drawn from the package's own seeded generator.
    case addRandom(layer: String, std: Float, seed: UInt64, coefficient: Float)
    /// Resampling: the selected channels are replaced by `source` (`[1, C, H, W]` broadcast, or one source
    /// per batch element), e.g. activations of another maze.
    case resample(layer: String, channels: ChannelSelection, source: Tensor)
    /// Patches applied one after another (at the same or different sites).
    case sequence([Patch])

    /// The patches in application order, sequences flattened.
    public var flattened: [Patch] {
        if case let .sequence(items) = self { return items.flatMap(\.flattened) }
        return [self]
    }

    /// Composition: `self` first, then `next`.
    public func then(_ next: Patch) -> Patch { .sequence(flattened + next.flattened) }

    /// The forward-pass edits for `network`, checked against its site shapes now rather than mid-pass.
    /// - Throws: `ImpalaPolicyError.unknownLabel`, `PatchError` for a wrong vector shape, channel or cell.
    public func edits(for network: ImpalaNetwork) throws -> [ActivationEdit] {
        try flattened.map { try $0.singleEdit(network) }
    }

    private func singleEdit(_ network: ImpalaNetwork) throws -> ActivationEdit {
        switch self {
        case let .addVector(layer, vector, coefficient):
            let site = try SiteGeometry(network, layer)
            try site.checkPerObservation(vector)
            let scaled = vector.scalars.map { $0 * coefficient }
            return ActivationEdit(label: layer, elementwise: true, summary: "an added vector at \(layer)",
                                  derivative: { _, _ in }) { x in site.addBroadcast(scaled, to: &x) }
        case let .ablate(layer, channels, mode):
            let site = try SiteGeometry(network, layer)
            let selected = try channels.indices(count: site.channels, layer: layer)
            // Overwritten channels pass no gradient back; multiplied ones pass it scaled by their factor.
            let clearGradient: @Sendable (Tensor, inout Tensor) -> Void = { before, gradient in
                site.scaleGradient(&gradient, channels: selected, before: before) { _ in 0 }
            }
            switch mode {
            case .zero:
                return ActivationEdit(label: layer, elementwise: true, summary: "a zero ablation at \(layer)",
                                      derivative: clearGradient) { x in
                    site.fill(&x, channels: selected) { _, _, _ in 0 }
                }
            case let .multiply(positive, negative):
                return ActivationEdit(label: layer, elementwise: true, summary: "a multiply ablation at \(layer)",
                                      derivative: { before, gradient in
                    site.scaleGradient(&gradient, channels: selected, before: before) { $0 > 0 ? positive : negative }
                }) { x in
                    site.fill(&x, channels: selected) { value, _, _ in value * (value > 0 ? positive : negative) }
                }
            case let .mean(reference):
                if let reference {
                    let mean = try site.batchMean(of: reference)
                    return ActivationEdit(label: layer, elementwise: true, summary: "a mean ablation at \(layer)",
                                          derivative: clearGradient) { x in
                        site.fill(&x, channels: selected) { _, c, p in mean[c * site.cells + p] }
                    }
                }
                return ActivationEdit(label: layer, batchIndependent: false,
                                      summary: "a mean ablation over the batch at \(layer)") { x in
                    let mean = try site.batchMean(of: x)
                    site.fill(&x, channels: selected) { _, c, p in mean[c * site.cells + p] }
                }
            }
        case let .setCell(layer, channels, cell, value, background):
            let site = try SiteGeometry(network, layer)
            let selected = try channels.indices(count: site.channels, layer: layer)
            let position = try site.position(of: cell, patch: "retarget")
            // With a background every value is fixed by its position; without one, batch element 0's
            // values are copied to the whole batch.
            // With a background the selected channels are constants (derivative 0); without one they are batch
            // element 0's values, which has no elementwise derivative.
            var derivative: (@Sendable (Tensor, inout Tensor) -> Void)?
            if background != nil {
                derivative = { before, gradient in
                    site.scaleGradient(&gradient, channels: selected, before: before) { _ in 0 }
                }
            }
            let summary = background == nil ? "a retarget patch copying batch element 0 at \(layer)"
                : "a retarget patch at \(layer)"
            return ActivationEdit(label: layer, batchIndependent: background != nil, elementwise: background != nil,
                                  summary: summary, derivative: derivative) { x in
                let first = x.batchElement(0).scalars
                site.fill(&x, channels: selected) { _, c, p in
                    p == position ? value : (background ?? first[c * site.cells + p])
                }
            }
        case let .addRandom(layer, std, seed, coefficient):
            let site = try SiteGeometry(network, layer)
            var generator = SeededGenerator(seed: seed)
            let noise = generator.normalTensor(shape: site.shape, std: std * coefficient).scalars
            return ActivationEdit(label: layer, elementwise: true, summary: "a random vector at \(layer)",
                                  derivative: { _, _ in }) { x in site.addBroadcast(noise, to: &x) }
        case let .resample(layer, channels, source):
            let site = try SiteGeometry(network, layer)
            let selected = try channels.indices(count: site.channels, layer: layer)
            guard source.rank == site.shape.count + 1, Array(source.shape.dropFirst()) == site.shape else {
                throw PatchError.shapeMismatch(layer: layer, expected: site.shape, found: source.shape)
            }
            let sources = source.shape[0]
            // Resampled channels are the source's values whatever the input: derivative 0.
            return ActivationEdit(label: layer, batchIndependent: sources == 1, elementwise: sources == 1,
                                  summary: "a resample patch at \(layer)", derivative: { before, gradient in
                site.scaleGradient(&gradient, channels: selected, before: before) { _ in 0 }
            }) { x in
                let batch = x.shape[0]
                guard sources == 1 || sources == batch else {
                    throw PatchError.shapeMismatch(layer: layer, expected: [batch] + site.shape, found: source.shape)
                }
                let perObservation = site.channels * site.cells
                site.fill(&x, channels: selected, batchAware: true) { _, c, p, n in
                    source.scalars[(sources == 1 ? 0 : n) * perObservation + c * site.cells + p]
                }
            }
        case let .sequence(items):
            // `flattened` never yields a sequence; an empty one is a no-op.
            precondition(items.isEmpty, "nested sequence reached singleEdit")
            return ActivationEdit(label: ActivationLabels.all[0], elementwise: true, summary: "an empty patch",
                                  derivative: { _, _ in }) { _ in }
        }
    }
}

extension ImpalaNetwork {
    /// Runs the network with `patch` applied (see `forward(_:capturing:edits:)`).
    public func forward(_ input: Tensor, capturing: [String] = [], patch: Patch) throws -> PolicyOutput {
        try forward(input, capturing: capturing, edits: patch.edits(for: self))
    }
}
