import ActivationPatching
import CairoGraphics
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis

/// Everything a figure needs besides its template: the policy, the observation renderer, the level generator
/// and the sprites for the human view.
public struct FigureContext: Sendable {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    public let generator: LevelGenerator
    public let sprites: MazeSprites
    /// The checkpoint the network came from, as data outputs report it (nil when not from a file).
    public let modelPath: String?
    /// Whether errors name the template panel they come from (see `FigureJob.namesPanels`).
    public var namesPanels = true

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, generator: LevelGenerator = LevelGenerator(),
                modelPath: String? = nil) throws {
        self.network = network
        self.renderer = renderer
        self.generator = generator
        self.modelPath = modelPath
        sprites = try MazeSprites(assets: renderer.assets)
    }

    public var evaluator: PolicyEvaluator { PolicyEvaluator(network: network, renderer: renderer) }
}

/// What a written figure holds, for the command's one-line report.
public struct FigureSummary: Sendable, Equatable {
    public var path: String
    public var format: OutputFormat
    public var width: Double
    public var height: Double
    /// The first diff panel's mean total-variation distance (0...1), when the figure has one.
    public var meanTotalVariation: Double?
    /// The vector-field data written beside the image (`--data`), as `VectorFieldData.summary` describes it.
    public var data: String?
    /// Values a fixed colour scale clipped (`clippingNote`), nil when none.
    public var clipping: String?

    public var description: String {
        var text = "\(path): \(format.rawValue.uppercased()) \(Int(width))x\(Int(height))"
        if let tv = meanTotalVariation { text += String(format: ", action probabilities changed by %.2f%% on average", tv * 100) }
        if let clipping { text += "; clipped: " + clipping }
        if let data { text += "\n" + data }
        return text
    }
}

/// Templates for the figure commands and the steps `FigureJob` (and the channels job, the explorer) build on.
public enum FigureJobs {
    /// The output format for `path`, checked (extension, writable directory) before any work.
    /// - Throws: `JobError` naming the path and what to do.
    public static func checkOutput(_ path: String) throws -> OutputFormat {
        do {
            return try OutputFormat.forWriting(to: path)
        } catch {
            throw JobError(.out, "\(path): \(error)")
        }
    }

    /// Builds, draws and writes `template`; with `dataPath`, also its vector-field data (`VectorFieldData`) from
    /// the same fields. Both paths are checked before the network runs. The picture carries `metadata` (PNG
    /// text chunks, SVG `<metadata>`, PDF document information; `metadata(of:provenance:)` makes it).
    /// - Throws: `JobError`, `FigureTemplateError`, patch and network errors, `CairoError`, `OutputFileError`.
    @discardableResult
    public static func write(_ template: FigureTemplate, context: FigureContext, to path: String,
                             data dataPath: String? = nil,
                             metadata: [(key: String, value: String)] = []) throws -> FigureSummary {
        let format = try checkOutput(path)
        if let dataPath { try VectorFieldData.checkOutput(dataPath) }
        var builder = FigureBuilder(context: context)
        let figure = try builder.figure(for: template)
        let renderer = FigureRenderer(sprites: context.sprites)
        let canvas = try renderer.render(figure, format: format)
        let data = try dataPath.map { _ in try VectorFieldData(template, builder: &builder) }
        let clipping = clippingNote(figure)
        try canvas.write(to: path, metadata: metadata + (clipping.map { [(key: "Clipped", value: $0)] } ?? []))
        var summary = FigureSummary(path: path, format: format, width: canvas.width, height: canvas.height,
                                    meanTotalVariation: builder.firstDiffChange)
        summary.clipping = clipping
        if let data, let dataPath {
            try data.write(to: dataPath)
            summary.data = data.summary(path: dataPath)
        }
        return summary
    }

    /// The values the figure's colour bars clip, panel by panel (`panel 1: 37 of 256 values outside [-1, 1]
    /// (30 above, 7 below)`), or nil when no bar clips anything.
    public static func clippingNote(_ figure: Figure) -> String? {
        var notes: [String] = []
        for (index, panel) in figure.panels.enumerated() {
            guard let bar = panel.colorBar, bar.clippedAbove + bar.clippedBelow > 0 else { continue }
            let cells = panel.layers.reduce(0) { total, layer in
                if case let .channel(map, _, _, _) = layer { return total + map.values.count }
                return total
            }
            let range = String(format: "%g", bar.limit)
            notes.append("panel \(index + 1): \(bar.clippedAbove + bar.clippedBelow) of \(cells) values outside [-\(range), \(range)] (\(bar.clippedAbove) above, \(bar.clippedBelow) below)")
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// The figure `template` describes, built (network run included) but not drawn; lay it out or draw it with
    /// `FigureRenderer`. - Throws: as `write`, except the output errors.
    public static func figure(for template: FigureTemplate, context: FigureContext) throws -> Figure {
        var builder = FigureBuilder(context: context)
        return try builder.figure(for: template)
    }

    /// Computes `template`'s vector field (or, with a `vfield-diff` panel, the original and patched fields) and
    /// writes it as `VectorFieldData` JSON to `path`, drawing nothing.
    /// - Returns: the command's one-line report.
    @discardableResult
    public static func writeData(_ template: FigureTemplate, context: FigureContext, to path: String) throws -> String {
        try VectorFieldData.checkOutput(path)
        try template.validate()
        var builder = FigureBuilder(context: context)
        let data = try VectorFieldData(template, builder: &builder)
        try data.write(to: path)
        return data.summary(path: path)
    }

    /// What a picture of `template` records: `provenance` (version, command line, model) with the template's
    /// level seeds (each once, in panel order, runs as `A..B`) and patch specs (each once), and its title first as `Title`.
    public static func metadata(of template: FigureTemplate, provenance: Provenance) -> [(key: String, value: String)] {
        var seeds: [Int32] = []
        var patches: [String] = []
        for panel in template.panels {
            if !seeds.contains(panel.seed) { seeds.append(panel.seed) }
            for patch in panel.patches ?? [] where !patches.contains(patch) { patches.append(patch) }
        }
        let described = provenance.describing(seeds: Provenance.seedText(seeds), patches: patches)
        var entries = described.entries
        if let title = template.title, !title.isEmpty {
            entries.insert((key: "Title", value: title.replacingOccurrences(of: "\n", with: " ")), at: 0)
        }
        return entries
    }

    /// Whether `path` names a data output (`.json`) rather than an image.
    public static func isDataPath(_ path: String) -> Bool { path.lowercased().hasSuffix(".json") }

    /// The panel kinds a template may use.
    public static var panelKinds: [String] { PanelTemplate.Kind.allCases.map(\.rawValue) }

    /// Reads and strictly decodes a template file. - Throws: `FigureTemplateError` naming the file and field.
    public static func loadTemplate(path: String) throws -> FigureTemplate {
        try FigureTemplate.load(path: path)
    }

    /// One vector field (`mazerender vfield`): net or component arrows, patched when `patches` is not empty.
    /// `edits` (cheese, facing; the mouse is on every cell in turn, so `edits.mouse` is ignored) change the maze.
    /// `title` goes above the panel; `size` is the panel's side (px; pt in PDF), 512 when nil.
    public static func vectorFieldTemplate(seed: Int32, patches: [String] = [], components: Bool = false,
                                           padding: Bool = false, edits: MazeEdits = MazeEdits(),
                                           title: String? = nil, size: Double? = nil) -> FigureTemplate {
        var panel = PanelTemplate(kind: .vfield, seed: seed, patches: patches.isEmpty ? nil : patches)
        panel.components = components
        panel.padding = padding
        panel.apply(edits)
        return FigureTemplate(title: title, caption: "", panelSize: size ?? 512, panels: [panel])
    }

    /// The published triptych "Original | Patched | Patched vfield minus original" (`mazerender vfield-diff`),
    /// with the average change in action probability as the caption. `size`: each panel's side (px; pt in PDF),
    /// 400 when nil.
    public static func diffTemplate(seed: Int32, patches: [String], title: String? = nil,
                                    padding: Bool = false, edits: MazeEdits = MazeEdits(),
                                    size: Double? = nil) -> FigureTemplate {
        var panels = [
            PanelTemplate(kind: .vfield, seed: seed, label: "Original"),
            PanelTemplate(kind: .vfield, seed: seed, label: "Patched", patches: patches),
            PanelTemplate(kind: .vfieldDiff, seed: seed, label: "Patched vfield minus original", patches: patches),
        ]
        for index in panels.indices {
            panels[index].padding = padding
            panels[index].apply(edits)
        }
        return FigureTemplate(title: title, panelSize: size ?? 400, panels: panels)
    }

    /// Channel heat maps of `layer` over the maze (`mazerender heatmap`), one panel per channel, under `title`.
    /// `size`: each panel's side (px; pt in PDF); nil gives 400 for one channel, 320 for a grid.
    /// - Throws: `JobError` for an unknown convention name.
    public static func heatmapTemplate(seed: Int32, layer: String, channels: [Int], convention: String,
                                       patches: [String] = [], opacity: Double? = nil,
                                       edits: MazeEdits = MazeEdits(), title: String? = nil,
                                       size: Double? = nil) throws -> FigureTemplate {
        guard HeatmapConvention(rawValue: convention) != nil else {
            throw JobError("convention '\(convention)' is unknown; use posts or paper")
        }
        let short = layer.hasPrefix("embedder.") ? String(layer.dropFirst("embedder.".count)) : layer
        let panels = channels.map { channel -> PanelTemplate in
            var panel = PanelTemplate(kind: .heatmap, seed: seed, title: "\(short);\nchannel \(channel)",
                                      patches: patches.isEmpty ? nil : patches)
            panel.layer = layer
            panel.channel = channel
            panel.convention = convention
            panel.opacity = opacity
            panel.apply(edits)
            return panel
        }
        return FigureTemplate(title: title, panelSize: size ?? (channels.count > 1 ? 320 : 400),
                              columns: channels.count > 4 ? 4 : nil, panels: panels)
    }
}

extension PanelTemplate {
    /// Takes the maze edits a template can say (cheese moved or removed, facing); the mouse stays where the
    /// panel kind puts it.
    mutating func apply(_ edits: MazeEdits) {
        cheese = edits.cheese.map { "\($0.x),\($0.y)" }
        noCheese = edits.removeCheese ? true : nil
        facing = edits.facing
    }
}
