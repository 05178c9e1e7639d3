import CairoGraphics
import FigureJobs
import Foundation
import MazeRendering
import MazeSimulation

/// The Export button's figures: the very templates `vfield`, `vfield-diff` and `heatmap` build for the same
/// options, drawn by the same renderer, so the bytes equal the CLI's `--out` file.
extension ExplorerEngine {
    /// What to draw (`/api/figure`'s `kind`).
    public enum FigureKind: String, Sendable {
        case vfield, heatmap
    }

    /// The figure for `query` (seed, mode, variant and a cheese edit: the options the CLI has) in `format`.
    /// `vfield` is `vfield-diff`'s triptych when `specs` is not empty; `heatmap` draws `channel` of `layer`.
    /// - Throws: `ExplorerRequestError` naming `walls` or `mouse` (no CLI option draws them), or the figure's errors.
    public func figure(_ query: MazeQuery, kind: FigureKind, specs: [String], layer: String, channel: Int,
                       convention: String, format: OutputFormat) throws -> [UInt8] {
        if !query.walls.isEmpty {
            throw ExplorerRequestError(field: "walls", "the CLI's figures take no wall edits; export the numbers (/api/vfield) instead")
        }
        if query.mouse != nil {
            throw ExplorerRequestError(field: "mouse", "the CLI's figures put the mouse where their kind does; drop \"mouse\"")
        }
        var edits = MazeEdits()
        switch query.cheese {
        case .keep: break
        case .remove: edits.removeCheese = true
        case .move(let cell): edits.cheese = cell
        }
        let template: FigureTemplate
        switch kind {
        case .vfield:
            template = specs.isEmpty ? FigureJobs.vectorFieldTemplate(seed: query.seed, edits: edits)
                                     : FigureJobs.diffTemplate(seed: query.seed, patches: specs, edits: edits)
        case .heatmap:
            template = try FigureJobs.heatmapTemplate(seed: query.seed, layer: layer, channels: [channel],
                                                      convention: convention, patches: specs, edits: edits)
        }
        let figureContext = try FigureContext(network: context.network, renderer: context.renderer,
                                              generator: query.generator.generator, modelPath: context.modelPath)
        let figure = try FigureJobs.figure(for: template, context: figureContext)
        return try FigureRenderer(sprites: figureContext.sprites).render(figure, format: format)
            .fileBytes(metadata: FigureJobs.metadata(of: template, provenance: provenance))
    }
}

extension ExplorerEngine {
    /// procgen's human view of `query`'s maze (`MazeView`: the level's background, sand wall tiles, the cheese and
    /// the mouse; padding cropped) as a PNG at procgen's own resolution (20.48 px per cell in hard mode).
    /// Cost: one small Cairo drawing and its PNG encoding; no network.
    public func view(_ query: MazeQuery) throws -> [UInt8] {
        let maze = try query.maze()
        let side = MazeView.side(of: maze, padding: .cropped)
        let canvas = try Canvas(width: side, height: side)
        let frame = Rect(x: 0, y: 0, width: Double(side), height: Double(side))
        MazeView.draw(maze, options: MazeViewOptions(padding: .cropped, showMouse: true), sprites: context.sprites,
                      geometry: MazeViewGeometry(maze: maze, padding: .cropped, frame: frame), on: canvas)
        return try canvas.pngBytes()
    }
}
