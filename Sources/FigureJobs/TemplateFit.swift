import ActivationPatching
import ImpalaPolicy
import MazeRendering
import PolicyAnalysis

/// Whether a template can be drawn with a model: the channels its heat maps and patches name must exist at
/// their layers (the published agents have 128 channels at embedder.block2.res1.resadd_out, the bundled scale-1
/// agent 32, so `channel55-*` templates need a published-width model).
public enum TemplateFit {
    /// The first reason `template` cannot be drawn with `network` (`panels[1] needs channel 55 at L, which has
    /// channels 0...31`), or nil when every channel it names exists. Specs that do not parse are left to the
    /// figure's own errors.
    public static func misfit(_ template: FigureTemplate, network: ImpalaNetwork) -> String? {
        for (index, panel) in template.panels.enumerated() {
            if panel.kind == .heatmap, let channel = panel.channel {
                let layer = panel.layer ?? PatchResolver.defaultLayer
                if let reason = missing([channel], at: layer, network: network) { return "panels[\(index)] \(reason)" }
            }
            for text in panel.patches ?? [] {
                guard let spec = try? PatchSpec(parsing: text), case let .list(channels)? = spec.channels else { continue }
                let layer = spec.layer ?? PatchResolver.defaultLayer
                if let reason = missing(channels, at: layer, network: network) {
                    return "panels[\(index)] (patch '\(text)') \(reason)"
                }
            }
        }
        return nil
    }

    private static func missing(_ channels: [Int], at layer: String, network: ImpalaNetwork) -> String? {
        guard let shape = try? network.activationShape(of: layer) else { return "needs layer '\(layer)', which this model lacks" }
        guard let count = shape.first, shape.count == 3 else { return nil }
        guard let bad = channels.first(where: { $0 < 0 || $0 >= count }) else { return nil }
        return "needs channel \(bad) at \(layer), which has channels 0...\(count - 1) in this model"
    }
}
