import CairoGraphics
import Foundation

/// One channel of an activation map: `height` x `width` values, row 0 at the top (image orientation, as the
/// network's NCHW activations are stored).
public struct ChannelMap: Hashable, Sendable {
    public let values: [Float]
    public let height: Int
    public let width: Int

    public init(values: [Float], height: Int, width: Int) {
        precondition(values.count == height * width, "a \(height)x\(width) map needs \(height * width) values")
        self.values = values
        self.height = height
        self.width = width
    }

    public subscript(row: Int, column: Int) -> Float { values[row * width + column] }
}

/// Channel heat maps over a maze view, and colour bars.
public enum HeatmapDrawing {
    /// The map as an image, one pixel per cell, coloured by `colorMap` over ±`limit`.
    public static func image(_ map: ChannelMap, colorMap: DivergingColorMap, limit: Double) throws -> PixelImage {
        var bytes = [UInt8](repeating: 255, count: map.values.count * 4)
        for (index, value) in map.values.enumerated() {
            let color = colorMap.color(Double(value), limit: limit)
            bytes[4 * index] = UInt8((color.red * 255).rounded())
            bytes[4 * index + 1] = UInt8((color.green * 255).rounded())
            bytes[4 * index + 2] = UInt8((color.blue * 255).rounded())
        }
        return try PixelImage(width: map.width, height: map.height, layout: .rgba, pixels: bytes)
    }

    /// Draws `map` over the whole world of `geometry` (as the 64x64 observation covers it: each block-2 cell is
    /// 4x4 observation pixels, so cells do not align with maze tiles), clipped to the view, with `opacity`
    /// (1 hides the maze), then thin grid lines between cells.
    public static func draw(_ map: ChannelMap, colorMap: DivergingColorMap, limit: Double, opacity: Double,
                            geometry: MazeViewGeometry, on canvas: Canvas) throws {
        let picture = try image(map, colorMap: colorMap, limit: limit)
        canvas.withSavedState {
            canvas.newPath()
            canvas.addRectangle(geometry.frame)
            canvas.clip()
            canvas.drawImage(picture, in: geometry.worldRect, filter: .nearest, alpha: opacity)
            let world = geometry.worldRect
            canvas.newPath()
            for k in 1..<map.width {
                let x = world.x + Double(k) * world.width / Double(map.width)
                canvas.move(to: Point(x: x, y: world.minY))
                canvas.line(to: Point(x: x, y: world.maxY))
            }
            for k in 1..<map.height {
                let y = world.y + Double(k) * world.height / Double(map.height)
                canvas.move(to: Point(x: world.minX, y: y))
                canvas.line(to: Point(x: world.maxX, y: y))
            }
            canvas.stroke(Color(white: 0, alpha: 0.12), lineWidth: max(0.5, geometry.frame.width / 800))
        }
    }

    /// A vertical colour bar in `rect`: +limit at the top, -limit at the bottom, ticks at -limit, 0 and +limit
    /// labelled on the right, and `title` above it. Text and outline are vectors.
    public static func drawColorBar(in rect: Rect, colorMap: DivergingColorMap, limit: Double, title: String?,
                                    font: Font, on canvas: Canvas, clippedAbove: Int = 0, clippedBelow: Int = 0) throws {
        let steps = 256
        var bytes = [UInt8](repeating: 255, count: steps * 4)
        for i in 0..<steps {
            let value = limit * (1 - 2 * Double(i) / Double(steps - 1))
            let color = colorMap.color(value, limit: limit)
            bytes[4 * i] = UInt8((color.red * 255).rounded())
            bytes[4 * i + 1] = UInt8((color.green * 255).rounded())
            bytes[4 * i + 2] = UInt8((color.blue * 255).rounded())
        }
        let gradient = try PixelImage(width: 1, height: steps, layout: .rgba, pixels: bytes)
        canvas.drawImage(gradient, in: rect, filter: .bilinear)
        canvas.newPath()
        canvas.addRectangle(rect)
        canvas.stroke(.black, lineWidth: 1)
        canvas.font = font
        let ticks: [(Double, Double)] = [(limit, rect.minY), (0, rect.center.y), (-limit, rect.maxY)]
        for (value, y) in ticks {
            canvas.newPath()
            canvas.move(to: Point(x: rect.maxX, y: y))
            canvas.line(to: Point(x: rect.maxX + 4, y: y))
            canvas.stroke(.black, lineWidth: 1)
            canvas.drawText(tickLabel(value), at: Point(x: rect.maxX + 6, y: y), color: .black, baseline: .middle)
        }
        // Clipped ends (matplotlib's `extend` arrows): a triangle in the end colour, and the count beside it.
        let arrow = rect.width * 0.9
        for (count, sign) in [(clippedAbove, 1.0), (clippedBelow, -1.0)] where count > 0 {
            let base = sign > 0 ? rect.minY : rect.maxY, tip = base - sign * arrow
            canvas.newPath()
            canvas.move(to: Point(x: rect.minX, y: base))
            canvas.line(to: Point(x: rect.center.x, y: tip))
            canvas.line(to: Point(x: rect.maxX, y: base))
            canvas.closePath()
            canvas.fill(colorMap.color(sign * limit, limit: limit))
            canvas.newPath()
            canvas.move(to: Point(x: rect.minX, y: base))
            canvas.line(to: Point(x: rect.center.x, y: tip))
            canvas.line(to: Point(x: rect.maxX, y: base))
            canvas.stroke(.black, lineWidth: 1)
            canvas.drawText("\(count) \(sign > 0 ? ">" : "<") \(tickLabel(sign * limit))",
                            at: Point(x: rect.maxX + 6, y: (base + tip) / 2 - sign * 0.6 * font.size), color: .black,
                            baseline: .middle)
        }
        if let title {
            let lift = clippedAbove > 0 ? arrow : 0
            canvas.drawText(title, at: Point(x: rect.center.x, y: rect.minY - 8 - lift), color: .black, alignment: .center,
                            baseline: .bottom)
        }
    }

    /// Compact tick text: up to 2 decimals, no trailing zeros ("-1", "0", "0.62").
    static func tickLabel(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
