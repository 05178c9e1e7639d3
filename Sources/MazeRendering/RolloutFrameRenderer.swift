import CairoGraphics
import MazeSimulation

/// Draws rollout video frames (see `RolloutFrameLayout`) onto an image canvas of the layout's size: the human
/// view of each panel's state with the mouse's trail, captions, probability bar charts and end-of-episode markers.
///
/// Each seed's background and walls are drawn once into a cached `panelSide` px image (walls never change during
/// a rollout); a frame then copies that image and draws the cheese, the trail and the mouse on top.
/// Not thread-safe: one renderer per drawing thread. Cost: about 1 ms per 384 px panel after the first frame of
/// a seed (about 2 ms more for that first frame).
public final class RolloutFrameRenderer {
    public let layout: RolloutFrameLayout
    public let sprites: MazeSprites
    public let padding: PaddingMode
    private var mazeImages: [Int32: PixelImage] = [:]

    public init(layout: RolloutFrameLayout, sprites: MazeSprites, padding: PaddingMode = .cropped) {
        self.layout = layout
        self.sprites = sprites
        self.padding = padding
    }

    /// A canvas of the layout's size to draw every frame into.
    public func makeCanvas() throws(CairoError) -> Canvas {
        try Canvas(width: layout.width, height: layout.height)
    }

    /// Paints `frame` over the whole canvas (nothing of the previous frame survives) and drops cached maze
    /// images of seeds no longer shown. - Throws: `CairoError` from drawing or the maze image.
    public func draw(_ frame: RolloutFrameContent, on canvas: Canvas) throws {
        let shown = Set(frame.groups.flatMap { $0.map(\.seed) })
        mazeImages = mazeImages.filter { shown.contains($0.key) }
        canvas.resetClip()
        canvas.paint(RolloutFramePalette.background, replace: true)
        drawBanner(frame, on: canvas)
        let dividers = layout.dividers
        for x in dividers.vertical {
            canvas.fill(Rect(x: x - 1, y: Double(layout.bannerHeight + layout.margin), width: 2,
                             height: Double(layout.height - layout.bannerHeight - 2 * layout.margin)),
                        RolloutFramePalette.divider)
        }
        for y in dividers.horizontal {
            canvas.fill(Rect(x: Double(layout.margin), y: y - 1, width: Double(layout.width - 2 * layout.margin),
                             height: 2), RolloutFramePalette.divider)
        }
        for (group, panels) in frame.groups.prefix(layout.groupsPerFrame).enumerated() {
            for (variant, panel) in panels.prefix(layout.variantsPerGroup).enumerated() {
                try drawPanel(panel, group: group, variant: variant, on: canvas)
            }
        }
        try canvas.checkStatus()
    }

    /// Brings the canvas from `previous` (the frame on it, drawn by this renderer) to `frame` by repainting only the
    /// panels that differ, each inside its slot (`RolloutFrameLayout.slotRect`: background, then the panel as
    /// `draw` paints it), so a panel that stays the same (a finished episode waiting for its neighbour) costs
    /// nothing. The pixels equal those of `draw(frame, on:)` (tested); with no `previous`, another banner or other
    /// seeds on screen it is `draw(frame, on:)`. - Returns: panels painted.
    @discardableResult
    public func draw(_ frame: RolloutFrameContent, over previous: RolloutFrameContent?, on canvas: Canvas) throws -> Int {
        let shownPanels = frame.groups.prefix(layout.groupsPerFrame).map { Array($0.prefix(layout.variantsPerGroup)) }
        guard let previous, previous.title == frame.title, previous.subtitle == frame.subtitle,
              previous.groups.prefix(layout.groupsPerFrame).map({ Array($0.prefix(layout.variantsPerGroup)).map(\.seed) })
                == shownPanels.map({ $0.map(\.seed) }) else {
            try draw(frame, on: canvas)
            return shownPanels.joined().count
        }
        var painted = 0
        canvas.resetClip()
        for (group, panels) in shownPanels.enumerated() {
            for (variant, panel) in panels.enumerated() where panel != previous.groups[group][variant] {
                try canvas.withSavedState {
                    canvas.newPath()
                    canvas.addRectangle(layout.slotRect(group: group, variant: variant))
                    canvas.clip()
                    canvas.paint(RolloutFramePalette.background, replace: true)
                    try drawPanel(panel, group: group, variant: variant, on: canvas)
                }
                painted += 1
            }
        }
        canvas.resetClip()
        try canvas.checkStatus()
        return painted
    }

    private func drawBanner(_ frame: RolloutFrameContent, on canvas: Canvas) {
        let banner = layout.bannerRect
        canvas.fill(banner, RolloutFramePalette.banner)
        let size = Double(layout.bannerHeight) * 0.55
        canvas.font = Font(size: size, weight: .bold)
        let left = Double(layout.margin)
        canvas.drawText(frame.title, at: Point(x: left, y: banner.center.y), color: RolloutFramePalette.title,
                        baseline: .middle)
        let titleWidth = canvas.textExtents(frame.title).xAdvance
        canvas.font = Font(size: size * 0.8)
        let available = banner.width - left - titleWidth - 2 * Double(layout.margin)
        let subtitle = RolloutFrameText.fit(frame.subtitle, width: available, on: canvas)
        canvas.drawText(subtitle, at: Point(x: left + titleWidth + size, y: banner.center.y),
                        color: RolloutFramePalette.text, baseline: .middle)
    }

    private func drawPanel(_ panel: RolloutPanelContent, group: Int, variant: Int, on canvas: Canvas) throws {
        let rect = layout.panelRect(group: group, variant: variant)
        let geometry = MazeViewGeometry(maze: panel.state, padding: padding, frame: rect)
        canvas.drawImage(try mazeImage(for: panel.state), in: rect, filter: .good)
        canvas.withSavedState {
            canvas.newPath()
            canvas.addRectangle(rect)
            canvas.clip()
            drawTrail(panel.trail, geometry: geometry, on: canvas)
            if let cheese = panel.state.cheese {
                canvas.drawImage(sprites.cheese, in: geometry.rect(ofWorld: cheese, epsilon: 0.02), filter: .good)
            }
            let mouseRect = geometry.rect(ofWorld: panel.state.mouse)
            canvas.newPath()
            canvas.addCircle(center: mouseRect.center, radius: min(geometry.tileSize * 0.66, geometry.tileSize / 2 + 6))
            canvas.stroke(RolloutFramePalette.mouseRing, lineWidth: min(4, max(1.5, geometry.tileSize * 0.12)))
            let mouse = panel.state.facing == .right ? sprites.mirroredMouse : sprites.mouse
            canvas.drawImage(mouse, in: mouseRect, filter: .good)
            if let outcome = panel.outcome { drawOutcome(outcome, panel: rect, geometry: geometry, state: panel.state, on: canvas) }
        }
        drawCaption(panel, in: layout.captionRect(group: group, variant: variant), on: canvas)
        let chart = layout.chartRect(group: group, variant: variant)
        if let outcome = panel.outcome {
            RolloutProbabilityChart.drawOutcome(outcome, in: chart, on: canvas)
        } else {
            RolloutProbabilityChart.draw(panel.probabilities, chosen: panel.chosenGroup, in: chart, on: canvas)
        }
    }

    /// The seed's background and walls at panel size, drawn once per seed while it is on screen.
    private func mazeImage(for state: MazeState) throws -> PixelImage {
        let key = state.levelSeed ?? -1
        if let cached = mazeImages[key] { return cached }
        let options = MazeViewOptions(padding: padding, showMouse: false, showCheese: false)
        let image = try MazeView.image(state, options: options, sprites: sprites, side: layout.panelSide)
        mazeImages[key] = image
        return image
    }

    private func drawTrail(_ trail: [MazePoint], geometry: MazeViewGeometry, on canvas: Canvas) {
        guard trail.count > 1 else { return }
        canvas.newPath()
        canvas.move(to: geometry.center(of: trail[0]))
        for cell in trail.dropFirst() { canvas.line(to: geometry.center(of: cell)) }
        canvas.lineCap = .round
        canvas.lineJoin = .round
        canvas.stroke(RolloutFramePalette.trail, lineWidth: min(10, max(2, geometry.tileSize * 0.22)))
    }

    /// A coloured border around the panel (and, at the cheese, a ring around the mouse); the text goes in the
    /// chart area, empty at the final state (see `RolloutProbabilityChart.drawOutcome`).
    private func drawOutcome(_ outcome: RolloutPanelContent.Outcome, panel: Rect, geometry: MazeViewGeometry,
                             state: MazeState, on canvas: Canvas) {
        let border = max(3, Double(layout.margin) * 0.6)
        let color: Color
        switch outcome {
        case .cheese:
            color = RolloutFramePalette.success
            canvas.newPath()
            canvas.addCircle(center: geometry.rect(ofWorld: state.mouse).center, radius: min(geometry.tileSize * 0.85, geometry.tileSize / 2 + 10))
            canvas.stroke(color, lineWidth: min(5, max(2, geometry.tileSize * 0.15)))
        case .stopped, .loop:
            color = RolloutFramePalette.stopped
        }
        canvas.newPath()
        canvas.addRectangle(panel.insetBy(border / 2))
        canvas.stroke(color, lineWidth: border)
    }

    private func drawCaption(_ panel: RolloutPanelContent, in rect: Rect, on canvas: Canvas) {
        let size = max(10, rect.height * 0.62)
        let detail = "seed \(panel.seed) · step \(panel.step)"
        canvas.font = Font(size: size)
        let detailWidth = canvas.textExtents(detail).xAdvance
        canvas.drawText(detail, at: Point(x: rect.maxX, y: rect.center.y), color: RolloutFramePalette.text,
                        alignment: .right, baseline: .middle)
        canvas.font = Font(size: size, weight: .bold)
        let name = RolloutFrameText.fit(panel.variantName, width: rect.width - detailWidth - size * 0.6, on: canvas)
        canvas.drawText(name, at: Point(x: rect.x, y: rect.center.y), color: RolloutFramePalette.title,
                        baseline: .middle)
    }
}

/// Text fitting for rollout frames.
enum RolloutFrameText {
    /// Shrinks the canvas font until `text` fits in `width` (not below 60% of its size, or 8 px), then shortens
    /// the text with `…` if it still does not fit. - Returns: the text to draw.
    @discardableResult
    static func fit(_ text: String, width: Double, on canvas: Canvas) -> String {
        let original = canvas.font.size
        var font = canvas.font
        while canvas.textExtents(text).xAdvance > width, font.size > max(8, original * 0.6) {
            font.size *= 0.9
            canvas.font = font
        }
        var shortened = text
        while shortened.count > 1, canvas.textExtents(shortened).xAdvance > width {
            shortened = String(shortened.dropLast(shortened.hasSuffix("…") ? 2 : 1)) + "…"
        }
        return shortened
    }
}

/// The colours of rollout frames: light text on a dark background, so sprites and bars stand out.
enum RolloutFramePalette {
    static let background = Color(hex: 0x1C1D22)
    static let banner = Color(hex: 0x0F1014)
    static let divider = Color(hex: 0x4A4C55)
    static let title = Color.white
    static let text = Color(hex: 0xC8CAD2)
    static let trail = Color(hex: 0xFFD23F, alpha: 0.55)
    static let mouseRing = Color(hex: 0xFFD23F, alpha: 0.95)
    static let success = Color(hex: 0x22A045)
    static let stopped = Color(hex: 0x8A5A5A)
    static let bar = Color(hex: 0x5B8FD9)
    static let chosenBar = Color(hex: 0xFFA534)
    static let chartBackground = Color(hex: 0x26272E)
}
