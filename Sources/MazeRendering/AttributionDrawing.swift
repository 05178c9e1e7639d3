import CairoGraphics
import Foundation
import MazeSimulation

/// Figures of attributions and value maps over a maze: the maze as the observation shows it (the whole world,
/// padding included, so a 64x64 map covers it exactly), maps in diverging colours (bwr: positive red) over
/// ±max |value| with a colour bar.
public enum AttributionDrawing {
    static let panel = 420.0
    static let margin = 24.0
    static let titleHeight = 44.0
    static let barWidth = 18.0
    static let barSpace = 70.0
    static let font = Font(size: 13)

    /// Pixel attribution over the maze: `attribution` is `[3, 64, 64]` (the observation's layout), summed over
    /// the colour channels per pixel, drawn at 80% opacity over the maze.
    /// - Returns: the drawn canvas (PNG, SVG or PDF), `panel + colour bar` wide.
    public static func pixelFigure(maze: MazeState, attribution: [Float], title: String, sprites: MazeSprites,
                                   format: OutputFormat) throws -> Canvas {
        precondition(attribution.count == 3 * 64 * 64, "pixel attribution must be [3, 64, 64]")
        let plane = 64 * 64
        let summed = (0..<plane).map { attribution[$0] + attribution[plane + $0] + attribution[2 * plane + $0] }
        let map = ChannelMap(values: summed, height: 64, width: 64)
        let limit = Double(summed.map(abs).max() ?? 0)
        let width = 2 * margin + panel + barSpace + 80, height = titleHeight + 2 * margin + panel
        let canvas = try Canvas(format: format, width: width, height: height)
        canvas.paint(.white)
        drawTitle(title, width: width, on: canvas)
        let frame = Rect(x: margin + 40, y: titleHeight + margin, width: panel, height: panel)
        try drawMap(map, over: maze, frame: frame, limit: limit, sprites: sprites, on: canvas)
        try HeatmapDrawing.drawColorBar(in: Rect(x: frame.maxX + 14, y: frame.minY + 20, width: barWidth, height: panel - 40),
                                        colorMap: .blueWhiteRed, limit: limit, title: limitText(limit), font: font, on: canvas)
        return canvas
    }

    /// A site's attribution: per-channel totals ranked by magnitude as a bar chart (the 16 largest), and for
    /// spatial sites (`shape` `[C, H, W]`) the four strongest channels' maps over the maze with one colour
    /// scale. - Returns: the drawn canvas.
    public static func siteFigure(maze: MazeState, attribution: [Float], shape: [Int], title: String,
                                  sprites: MazeSprites, format: OutputFormat) throws -> Canvas {
        let channels = shape[0], cells = attribution.count / max(1, channels)
        let totals = (0..<channels).map { c in attribution[(c * cells)..<((c + 1) * cells)].reduce(0, +) }
        let ranked = channelRanking(totals)
        let spatial = shape.count == 3
        let mapSide = (panel - margin) / 2
        let width = 2 * margin + panel + (spatial ? margin + panel + barSpace : 0)
        let height = titleHeight + 2 * margin + panel
        let canvas = try Canvas(format: format, width: width, height: height)
        canvas.paint(.white)
        drawTitle(title, width: width, on: canvas)
        drawBars(ranked.prefix(16).map { ($0, totals[$0]) }, in: Rect(x: margin, y: titleHeight + margin, width: panel, height: panel),
                 on: canvas)
        guard spatial else { return canvas }
        let strongest = Array(ranked.prefix(4))
        let limit = Double(strongest.flatMap { attribution[($0 * cells)..<(($0 + 1) * cells)] }.map(abs).max() ?? 0)
        let left = 2 * margin + panel
        for (k, c) in strongest.enumerated() {
            let frame = Rect(x: left + Double(k % 2) * (mapSide + margin), y: titleHeight + margin + Double(k / 2) * (mapSide + margin),
                             width: mapSide, height: mapSide)
            let map = ChannelMap(values: Array(attribution[(c * cells)..<((c + 1) * cells)]), height: shape[1], width: shape[2])
            try drawMap(map, over: maze, frame: frame, limit: limit, sprites: sprites, on: canvas)
            canvas.font = font
            canvas.drawText("channel \(c)", at: Point(x: frame.minX + 4, y: frame.minY + 4), color: .black,
                            baseline: .top)
        }
        try HeatmapDrawing.drawColorBar(in: Rect(x: left + panel + 14, y: titleHeight + margin + 20, width: barWidth,
                                                 height: panel - 40),
                                        colorMap: .blueWhiteRed, limit: limit, title: limitText(limit), font: font, on: canvas)
        return canvas
    }

    /// The colour bar's range in full precision, above it (its tick labels keep two decimals).
    static func limitText(_ limit: Double) -> String { "±" + String(format: "%.2g", limit) }

    /// Channel indices by decreasing |total| (the lower index first on ties).
    public static func channelRanking(_ totals: [Float]) -> [Int] {
        totals.indices.sorted { abs(totals[$0]) != abs(totals[$1]) ? abs(totals[$0]) > abs(totals[$1]) : $0 < $1 }
    }

    /// Value maps: one panel per entry of `panels` (title, one value per position), each legal cell filled in
    /// its value's colour over the cropped maze, each panel with its own colour bar over ±max |value|.
    public static func valueMapFigure(maze: MazeState, positions: [MazePoint], panels: [(title: String, values: [Float])],
                                      title: String, sprites: MazeSprites, format: OutputFormat) throws -> Canvas {
        let step = panel + barSpace + margin
        let width = margin + Double(panels.count) * step, height = titleHeight + 2 * margin + panel + 20
        let canvas = try Canvas(format: format, width: width, height: height)
        canvas.paint(.white)
        drawTitle(title, width: width, on: canvas)
        let side = MazeView.side(of: maze, padding: .cropped)
        let image = try MazeView.image(maze, options: MazeViewOptions(padding: .cropped, showMouse: false), sprites: sprites,
                                       side: side)
        for (k, entry) in panels.enumerated() {
            let frame = Rect(x: margin + Double(k) * step, y: titleHeight + margin + 20, width: panel, height: panel)
            canvas.font = font
            canvas.drawText(entry.title, at: Point(x: frame.center.x, y: frame.minY - 6), color: .black,
                            alignment: .center, baseline: .bottom)
            canvas.drawImage(image, in: frame, filter: .good)
            let geometry = MazeViewGeometry(maze: maze, padding: .cropped, frame: frame)
            let limit = Double(entry.values.map(abs).max() ?? 0)
            for (position, value) in zip(positions, entry.values) {
                canvas.fill(geometry.rect(of: position), DivergingColorMap.blueWhiteRed.color(Double(value), limit: limit)
                    .withAlpha(0.85))
            }
            try HeatmapDrawing.drawColorBar(in: Rect(x: frame.maxX + 14, y: frame.minY + 20, width: barWidth, height: panel - 40),
                                            colorMap: .blueWhiteRed, limit: limit, title: limitText(limit), font: font, on: canvas)
        }
        return canvas
    }

    /// The title centred at the top: its first line (up to ": ") larger, the rest below it.
    private static func drawTitle(_ title: String, width: Double, on canvas: Canvas) {
        let split = title.range(of: ": ")
        let head = split.map { String(title[..<$0.lowerBound]) } ?? title
        let rest = split.map { String(title[$0.upperBound...]) }
        canvas.font = font.withSize(15)
        canvas.drawText(head, at: Point(x: width / 2, y: 14), color: .black, alignment: .center, baseline: .middle)
        if let rest {
            canvas.font = font.withSize(rest.count > 80 ? 11 : 12)
            canvas.drawText(rest, at: Point(x: width / 2, y: 32), color: .black, alignment: .center, baseline: .middle)
        }
    }

    /// The maze (whole world) in `frame` with `map` over the world at 80% opacity.
    private static func drawMap(_ map: ChannelMap, over maze: MazeState, frame: Rect, limit: Double, sprites: MazeSprites,
                                on canvas: Canvas) throws {
        let side = Int(frame.width.rounded())
        let image = try MazeView.image(maze, options: MazeViewOptions(padding: .shown, showMouse: true), sprites: sprites,
                                       side: max(64, side))
        canvas.drawImage(image, in: frame, filter: .good)
        canvas.drawImage(try overlay(map, limit: limit), in: MazeViewGeometry(maze: maze, padding: .shown, frame: frame).worldRect,
                         filter: .nearest)
        canvas.newPath()
        canvas.addRectangle(frame)
        canvas.stroke(Color(white: 0.3), lineWidth: 1)
    }

    /// The map in bwr colours with opacity growing with |value| (0 transparent, `limit` 90% opaque, square root in
    /// between so weak attributions stay visible), so the maze shows through where nothing is attributed.
    static func overlay(_ map: ChannelMap, limit: Double) throws -> PixelImage {
        var bytes = [UInt8](repeating: 0, count: map.values.count * 4)
        for (index, value) in map.values.enumerated() {
            let color = DivergingColorMap.blueWhiteRed.color(Double(value), limit: limit)
            let strength = limit > 0 ? min(1, abs(Double(value)) / limit).squareRoot() : 0
            bytes[4 * index] = UInt8((color.red * 255).rounded())
            bytes[4 * index + 1] = UInt8((color.green * 255).rounded())
            bytes[4 * index + 2] = UInt8((color.blue * 255).rounded())
            bytes[4 * index + 3] = UInt8((0.9 * strength * 255).rounded())
        }
        return try PixelImage(width: map.width, height: map.height, layout: .rgba, pixels: bytes)
    }

    /// Horizontal bars, one row per (channel, total), from a zero line in the middle of `rect`; red positive.
    private static func drawBars(_ rows: [(Int, Float)], in rect: Rect, on canvas: Canvas) {
        guard !rows.isEmpty else { return }
        let limit = Double(rows.map { abs($0.1) }.max() ?? 0)
        let labelWidth = 130.0
        let zero = rect.minX + labelWidth + (rect.width - labelWidth) / 2
        let half = (rect.width - labelWidth) / 2 - 4
        let rowHeight = rect.height / Double(max(rows.count, 8))
        canvas.font = font
        for (k, (channel, total)) in rows.enumerated() {
            let y = rect.minY + Double(k) * rowHeight
            let length = limit > 0 ? Double(total) / limit * half : 0
            let bar = Rect(x: min(zero, zero + length), y: y + rowHeight * 0.15, width: abs(length), height: rowHeight * 0.7)
            canvas.fill(bar, total >= 0 ? Color(red: 0.84, green: 0.19, blue: 0.15) : Color(red: 0.19, green: 0.40, blue: 0.75))
            canvas.drawText("ch \(channel)", at: Point(x: rect.minX, y: y + rowHeight / 2), color: .black, baseline: .middle)
            canvas.drawText(String(format: "%.3g", total), at: Point(x: rect.minX + labelWidth - 6, y: y + rowHeight / 2),
                            color: Color(white: 0.3), alignment: .right, baseline: .middle)
        }
        canvas.newPath()
        canvas.move(to: Point(x: zero, y: rect.minY))
        canvas.line(to: Point(x: zero, y: rect.minY + Double(rows.count) * rowHeight))
        canvas.stroke(.black, lineWidth: 1)
    }
}
