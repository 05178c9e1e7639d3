import ActivationPatching
import CairoGraphics
import Foundation
import ImpalaPolicy
import JobSupport
import MazeRendering
import MazeSimulation
import PolicyAnalysis
import Tensors

/// Turns a `FigureTemplate` into a drawable `Figure`: builds each panel's maze, resolves its patches, runs the
/// vector fields and activations. Fields and edits are cached per (seed, cheese edit, patches), so a triptych
/// computes the original and the patched field once each.
struct FigureBuilder {
    let context: FigureContext
    private var edits: [String: [ActivationEdit]] = [:]
    private var fields: [String: VectorField] = [:]
    /// The first diff panel's mean total-variation distance.
    private(set) var firstDiffChange: Double?

    init(context: FigureContext) {
        self.context = context
    }

    mutating func figure(for template: FigureTemplate) throws -> Figure {
        try template.validate()
        var panels: [FigurePanel] = []
        for (index, panelTemplate) in template.panels.enumerated() {
            do {
                panels.append(try panel(for: panelTemplate))
            } catch let error as JobError {
                guard context.namesPanels else { throw error }
                throw error.prefixed("panels[\(index)] (\(panelTemplate.kind.rawValue), seed \(panelTemplate.seed))")
            } catch {
                guard context.namesPanels else { throw JobError("\(error)") }
                throw JobError("panels[\(index)] (\(panelTemplate.kind.rawValue), seed \(panelTemplate.seed)): \(error)")
            }
        }
        var caption = template.caption
        if caption == nil, template.panels.contains(where: { $0.kind == .vfieldDiff }) {
            caption = FigureTemplate.defaultChangeCaption
        }
        if let text = caption, let change = firstDiffChange {
            caption = text.replacingOccurrences(of: "{change}", with: String(format: "%.2f", change * 100))
        }
        return Figure(panels: panels, columns: template.columns, panelSize: template.panelSize ?? 400,
                      title: template.title, caption: caption?.isEmpty == true ? nil : caption)
    }

    func maze(for panel: PanelTemplate) throws -> MazeState {
        guard panel.seed >= 0 else { throw JobError("seed \(panel.seed) is negative; use 0 ... 2147483647") }
        var maze = context.generator.generate(seed: panel.seed)
        let cheese = try panel.cheese.map { try parseMazePoint($0) }
        try MazeEdits(cheese: cheese, removeCheese: panel.noCheese == true, facing: panel.facing).apply(to: &maze)
        return maze
    }

    private func key(_ panel: PanelTemplate, patched: Bool) -> String {
        "\(panel.seed)|\(panel.cheese ?? "")|\(panel.noCheese == true)|\(panel.facing?.rawValue ?? "")|" + (patched ? (panel.patches ?? []).joined(separator: ";") : "")
    }

    private mutating func resolvedEdits(_ panel: PanelTemplate) throws -> [ActivationEdit] {
        let specs = panel.patches ?? []
        guard !specs.isEmpty else { return [] }
        let cacheKey = "\(panel.seed)|" + specs.joined(separator: ";")
        if let cached = edits[cacheKey] { return cached }
        let parsed = try specs.map { text -> PatchSpec in
            // The parser's message already names the spec (`patch 'x': ...`).
            do { return try PatchSpec(parsing: text) } catch {
                let line = "\(error)"
                guard !context.namesPanels, line.hasPrefix("patch ") else { throw JobError(line) }
                throw JobError(.patches, String(line.dropFirst("patch ".count)))
            }
        }
        let resolved = try resolveEdits(specs: parsed, targetSeed: panel.seed, network: context.network,
                                        renderer: context.renderer, generator: context.generator)
        edits[cacheKey] = resolved
        return resolved
    }

    mutating func field(_ panel: PanelTemplate, maze: MazeState, patched: Bool) throws -> VectorField {
        let cacheKey = key(panel, patched: patched)
        if let cached = fields[cacheKey] { return cached }
        let field = try VectorField(maze: maze, evaluator: context.evaluator,
                                    edits: patched ? try resolvedEdits(panel) : [])
        fields[cacheKey] = field
        return field
    }

    private mutating func panel(for panel: PanelTemplate) throws -> FigurePanel {
        let maze = try maze(for: panel)
        let showsActivations = panel.kind == .heatmap
        let view = MazeViewOptions(padding: (panel.padding ?? showsActivations) ? .shown : .cropped,
                                   showMouse: panel.mouse ?? (panel.kind == .maze || showsActivations))
        var result = FigurePanel(maze: maze, view: view, title: panel.title, label: panel.label)
        let patched = !(panel.patches ?? []).isEmpty
        switch panel.kind {
        case .maze:
            break
        case .vfield:
            let field = try field(panel, maze: maze, patched: patched)
            result.layers.append(panel.components == true ? .componentArrows(field, color: .white)
                                                          : .netArrows(field, color: .white))
        case .vfieldDiff:
            let keys = [key(panel, patched: true), key(panel, patched: false)]
            if keys.allSatisfy({ fields[$0] == nil }) {
                // Both fields at once: the layers before the patched site shared where that costs less.
                let pair = try VectorField.variants(maze: maze, evaluator: context.evaluator, variants: [try resolvedEdits(panel), []])
                for (key, field) in zip(keys, pair) { fields[key] = field }
            }
            let diff = VectorFieldDiff(patched: try field(panel, maze: maze, patched: true),
                                       original: try field(panel, maze: maze, patched: false))
            if firstDiffChange == nil { firstDiffChange = diff.meanTotalVariation }
            result.layers.append(.diffArrows(diff, color: .lime))
        case .heatmap:
            let layer = panel.layer ?? PatchResolver.defaultLayer
            let values = try context.evaluator.activations(of: maze, layer: layer, edits: try resolvedEdits(panel))
            guard values.shape.count == 3 else {
                throw JobError("layer \(layer) has shape \(values.shape), not a channel map; pick a conv layer such as \(PatchResolver.defaultLayer)")
            }
            let channel = panel.channel!, (channels, height, width) = (values.shape[0], values.shape[1], values.shape[2])
            guard (0..<channels).contains(channel) else {
                throw JobError("channel \(channel) does not exist at \(layer), which has channels 0...\(channels - 1)")
            }
            let map = ChannelMap(values: Array(values.scalars[(channel * height * width)..<((channel + 1) * height * width)]),
                                 height: height, width: width)
            let convention = panel.heatmapConvention
            let limit = convention.limit(layerValues: values.scalars)
            result.layers.append(.channel(map, colorMap: convention.colorMap, limit: limit, opacity: panel.opacity ?? 0.75))
            let clipped = ColorBarSpec.clipping(of: map.values, limit: limit)
            result.colorBar = ColorBarSpec(colorMap: convention.colorMap, limit: limit,
                                           title: convention == .paper ? "Activations" : nil,
                                           clippedAbove: clipped.above, clippedBelow: clipped.below)
        case .pathProbability:
            let field = try field(panel, maze: maze, patched: patched)
            let cells = zip(field.positions, field.pathProbabilities).compactMap { cell, p in p.map { (cell: cell, probability: $0) } }
            result.layers.append(.cellProbabilities(cells, maxAlpha: panel.maxAlpha ?? 0.7))
        case .mostProbablePath:
            let field = try field(panel, maze: maze, patched: patched)
            result.layers.append(.pathArrows(field.mostProbablePath(), color: .white))
        }
        try addOverlays(panel, maze: maze, patched: patched, to: &result)
        return result
    }

    private func addOverlays(_ panel: PanelTemplate, maze: MazeState, patched: Bool, to result: inout FigurePanel) throws {
        let overlays = panel.overlays ?? []
        if overlays.contains(.topRightRegion) { result.layers.append(.topRightRegion(size: 5, color: .yellow)) }
        if overlays.contains(.decisionSquare), let square = maze.decisionSquare {
            result.layers.append(.cellDots([square], color: .red))
        }
        if let marks = panel.marks, !marks.isEmpty {
            result.layers.append(.cellDots(try marks.map { try parseMazePoint($0) }, color: .red))
        }
        if patched || overlays.contains(.retargetDot) {
            for text in panel.patches ?? [] {
                guard let spec = try? PatchSpec(parsing: text), spec.kind == .retarget else { continue }
                let shape = try context.network.activationShape(of: spec.layer ?? PatchResolver.defaultLayer)
                guard shape.count == 3 else { continue }
                let cell = spec.cell ?? spec.square.map { ChannelCell(mazeRow: $0.row, mazeColumn: $0.column, mapSize: shape[1]) }
                if let cell {
                    result.layers.append(.channelDots([(row: cell.row, column: cell.column)], mapSize: shape[1], color: .red))
                }
            }
        }
    }
}
