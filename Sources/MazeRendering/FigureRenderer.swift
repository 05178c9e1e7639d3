import CairoGraphics
import MazeSimulation

/// Lays out and draws a `Figure` on a PNG, SVG or PDF canvas.
///
/// The mazes are raster images (drawn straight onto PNG canvases; embedded once per panel in SVG/PDF at their
/// native resolution, procgen's human view at 20.48 px per cell times the document's device scale, scaled to
/// the panel with nearest-neighbour sampling); arrows, dots, outlines, heat-map grid lines, colour-bar frames
/// and text are vectors.
/// Text is DejaVu Sans. Sizes scale with `panelSize`: at 400 the labels are 18 px (matplotlib's 16 pt at
/// 100 dpi on a 5-inch axis, scaled), the title 22 px.
public struct FigureRenderer: Sendable {
    public let sprites: MazeSprites

    /// When set, PNG panels take each maze's background and walls from this cache (drawn once per maze and
    /// panel size) and draw only the cheese and mouse over them: for animations, whose frames show the same
    /// mazes again and again. nil (the default) draws every view whole.
    public var mazeCache: MazeViewCache?

    /// - Parameters:
    ///   - sprites: procgen's sprites for the maze views.
    ///   - mazeCache: where PNG panels keep their mazes' backgrounds and walls (see `mazeCache`); nil draws them whole.
    public init(sprites: MazeSprites, mazeCache: MazeViewCache? = nil) {
        self.sprites = sprites
        self.mazeCache = mazeCache
    }

    /// The figure's page layout.
    public struct Layout: Sendable, Equatable {
        public let width: Double
        public let height: Double
        /// Each panel's maze view, in `figure.panels` order.
        public let frames: [Rect]
    }

    struct Metrics {
        let pad, labelSize, titleSize, captionSize, colorBarWidth: Double
        init(_ size: Double) {
            pad = 0.04 * size
            labelSize = 0.045 * size
            titleSize = 0.056 * size
            captionSize = 0.04 * size
            colorBarWidth = 0.2 * size
        }
        var lineHeight: Double { 1.25 * labelSize }
    }

    private static func lines(_ text: String?) -> Int { text.map { $0.split(separator: "\n", omittingEmptySubsequences: false).count } ?? 0 }

    /// Where everything goes; depends only on the figure's structure and texts.
    public func layout(of figure: Figure) -> Layout {
        let m = Metrics(figure.panelSize), size = figure.panelSize
        let count = max(1, figure.panels.count)
        let columns = max(1, min(figure.columns ?? count, count))
        let rows = (count + columns - 1) / columns
        let titleLines = figure.panels.map { Self.lines($0.title) }.max() ?? 0
        let labelLines = figure.panels.map { Self.lines($0.label) }.max() ?? 0
        let hasBar = figure.panels.contains { $0.colorBar != nil }
        let columnWidth = size + (hasBar ? m.colorBarWidth : 0)
        let titleBand = titleLines > 0 ? Double(titleLines) * m.lineHeight + m.pad / 2 : 0
        let labelBand = labelLines > 0 ? Double(labelLines) * m.lineHeight + m.pad / 2 : 0
        let rowHeight = titleBand + size + labelBand
        let suptitleBand = figure.title != nil ? 1.6 * m.titleSize * Double(Self.lines(figure.title)) : 0
        let captionBand = figure.caption != nil ? 1.6 * m.captionSize * Double(Self.lines(figure.caption)) : 0
        let top = m.pad + suptitleBand
        var frames: [Rect] = []
        for index in figure.panels.indices {
            let row = index / columns, column = index % columns
            frames.append(Rect(x: m.pad + Double(column) * (columnWidth + m.pad),
                               y: top + Double(row) * (rowHeight + m.pad) + titleBand, width: size, height: size))
        }
        let width = m.pad + Double(columns) * (columnWidth + m.pad)
        let height = top + Double(rows) * (rowHeight + m.pad) + captionBand
        return Layout(width: width.rounded(.up), height: height.rounded(.up), frames: frames)
    }

    /// A canvas of `format` with the figure drawn on it; write it with `canvas.write(to:)`.
    /// - Throws: `CairoError` from Cairo.
    public func render(_ figure: Figure, format: OutputFormat) throws -> Canvas {
        let layout = layout(of: figure)
        let canvas = try Canvas(format: format, width: layout.width, height: layout.height)
        try draw(figure, layout: layout, on: canvas)
        try canvas.checkStatus()
        return canvas
    }

    /// Draws the figure at `layout` on `canvas` (white background first).
    public func draw(_ figure: Figure, layout: Layout, on canvas: Canvas) throws {
        let m = Metrics(figure.panelSize)
        canvas.paint(.white)
        let font = Font(size: m.labelSize)
        for (panel, frame) in zip(figure.panels, layout.frames) {
            try drawPanel(panel, in: frame, on: canvas)
            canvas.font = font
            if let title = panel.title {
                let lines = title.split(separator: "\n", omittingEmptySubsequences: false)
                for (i, line) in lines.enumerated() {
                    let y = frame.minY - m.pad / 2 - Double(lines.count - 1 - i) * m.lineHeight
                    canvas.drawText(String(line), at: Point(x: frame.center.x, y: y), color: .black,
                                    alignment: .center, baseline: .bottom)
                }
            }
            if let label = panel.label {
                for (i, line) in label.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let y = frame.maxY + m.pad / 2 + Double(i) * m.lineHeight
                    canvas.drawText(String(line), at: Point(x: frame.center.x, y: y), color: .black,
                                    alignment: .center, baseline: .top)
                }
            }
            if let bar = panel.colorBar {
                let barRect = Rect(x: frame.maxX + 0.04 * figure.panelSize, y: frame.minY + 0.1 * frame.height,
                                   width: 0.045 * figure.panelSize, height: 0.8 * frame.height)
                try HeatmapDrawing.drawColorBar(in: barRect, colorMap: bar.colorMap, limit: bar.limit, title: bar.title,
                                                font: Font(size: 0.8 * m.labelSize), on: canvas,
                                                clippedAbove: bar.clippedAbove, clippedBelow: bar.clippedBelow)
            }
        }
        if let title = figure.title {
            canvas.font = Font(size: m.titleSize)
            for (i, line) in title.split(separator: "\n").enumerated() {
                canvas.drawText(String(line), at: Point(x: layout.width / 2, y: m.pad + Double(i) * 1.6 * m.titleSize),
                                color: .black, alignment: .center, baseline: .top)
            }
        }
        if let caption = figure.caption {
            canvas.font = Font(size: m.captionSize)
            let lines = caption.split(separator: "\n")
            for (i, line) in lines.enumerated() {
                let y = layout.height - m.pad / 2 - Double(lines.count - 1 - i) * 1.6 * m.captionSize
                canvas.drawText(String(line), at: Point(x: layout.width / 2, y: y), color: .black,
                                alignment: .center, baseline: .bottom)
            }
        }
    }

    /// The maze view and its layers in `frame`.
    public func drawPanel(_ panel: FigurePanel, in frame: Rect, on canvas: Canvas) throws {
        let geometry = MazeViewGeometry(maze: panel.maze, padding: panel.view.padding, frame: frame)
        if canvas.format == .png, let mazeCache {
            let walls = try mazeCache.image(of: panel.maze, padding: panel.view.padding, side: Int(frame.width.rounded()),
                                            sprites: sprites)
            canvas.withSavedState {
                canvas.newPath()
                canvas.addRectangle(frame)
                canvas.clip()
                canvas.drawImage(walls, in: frame, filter: .nearest)
                MazeView.drawTokens(panel.maze, options: panel.view, sprites: sprites, geometry: geometry, on: canvas)
            }
        } else if canvas.format == .png {
            MazeView.draw(panel.maze, options: panel.view, sprites: sprites, geometry: geometry, on: canvas)
        } else {
            // procgen's own resolution for this view (20.48 px per cell), times the document's device scale.
            let origin = canvas.userToDevice(Point(x: 0, y: 0)), unit = canvas.userToDevice(Point(x: 1, y: 0))
            let deviceScale = ((unit.x - origin.x) * (unit.x - origin.x) + (unit.y - origin.y) * (unit.y - origin.y)).squareRoot()
            let native = Double(MazeView.side(of: panel.maze, padding: panel.view.padding))
            let side = max(1, min(4096, Int((native * deviceScale).rounded())))
            let image = try MazeView.image(panel.maze, options: panel.view, sprites: sprites, side: side)
            canvas.drawImage(image, in: frame, filter: .nearest)
        }
        for layer in panel.layers {
            try canvas.withSavedState { () throws in
                canvas.newPath()
                canvas.addRectangle(frame)
                canvas.clip()
                try draw(layer, geometry: geometry, on: canvas)
            }
        }
    }

    private func draw(_ layer: PanelLayer, geometry: MazeViewGeometry, on canvas: Canvas) throws {
        switch layer {
        case let .netArrows(field, color):
            VectorFieldDrawing.drawNetArrows(field, color: color, geometry: geometry, on: canvas)
        case let .componentArrows(field, color):
            VectorFieldDrawing.drawComponentArrows(field, color: color, geometry: geometry, on: canvas)
        case let .diffArrows(diff, color):
            VectorFieldDrawing.drawDiffArrows(diff, color: color, geometry: geometry, on: canvas)
        case let .pathArrows(path, color):
            VectorFieldDrawing.drawPathArrows(path, color: color, geometry: geometry, on: canvas)
        case let .cellProbabilities(cells, maxAlpha):
            OverlayDrawing.drawCellProbabilities(cells.map { ($0.cell, $0.probability) }, maxAlpha: maxAlpha,
                                                 geometry: geometry, on: canvas)
        case let .channel(map, colorMap, limit, opacity):
            try HeatmapDrawing.draw(map, colorMap: colorMap, limit: limit, opacity: opacity, geometry: geometry, on: canvas)
        case let .cellDots(cells, color):
            for cell in cells { OverlayDrawing.drawDot(on: cell, color: color, geometry: geometry, on: canvas) }
        case let .channelDots(cells, mapSize, color):
            for cell in cells {
                OverlayDrawing.drawChannelDot(row: cell.row, column: cell.column, mapSize: mapSize, color: color,
                                              geometry: geometry, on: canvas)
            }
        case let .topRightRegion(size, color):
            OverlayDrawing.drawTopRightRegion(size: size, color: color, geometry: geometry, on: canvas)
        }
    }
}
