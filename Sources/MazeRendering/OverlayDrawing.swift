import CairoGraphics
import MazeSimulation

/// Marks drawn over a maze view as vectors: dots (decision square, retargeting target, cheese locations),
/// region outlines (the top-right 5x5 cheese region) and the path-probability overlay.
public enum OverlayDrawing {
    /// A filled dot at `center`, `radius` user units. procgen-tools' `scatter(s=100)` is about 0.28 cells.
    public static func drawDot(at center: Point, radius: Double, color: Color = .red, on canvas: Canvas) {
        canvas.newPath()
        canvas.addCircle(center: center, radius: radius)
        canvas.fill(color)
    }

    /// A dot on the centre of maze cell `cell` (the decision square), 0.28 cells in radius.
    public static func drawDot(on cell: MazePoint, color: Color = .red, geometry: MazeViewGeometry, on canvas: Canvas) {
        drawDot(at: geometry.center(of: cell), radius: 0.28 * geometry.tileSize, color: color, on: canvas)
    }

    /// A dot on the centre of channel-map cell (`row` from the top, `column`) of a `mapSize`² map: the
    /// retargeting target, where procgen-tools' `plot_dots` puts it (`(c + 0.5) · 512 / 16`).
    public static func drawChannelDot(row: Int, column: Int, mapSize: Int, color: Color = .red,
                                      geometry: MazeViewGeometry, on canvas: Canvas) {
        let rect = geometry.rect(ofChannelRow: row, column: column, mapSize: mapSize)
        drawDot(at: rect.center, radius: 0.28 * geometry.tileSize, color: color, on: canvas)
    }

    /// The outline of the top-right `size` x `size` region of the maze (the training cheese region), yellow.
    public static func drawTopRightRegion(size: Int = 5, color: Color = .yellow, geometry: MazeViewGeometry,
                                          on canvas: Canvas) {
        let n = geometry.mazeDimension, k = min(size, n)
        let rect = geometry.rect(columns: (n - k)...(n - 1), rows: (n - k)...(n - 1))
        let width = max(1.5, 0.12 * geometry.tileSize)
        canvas.newPath()
        canvas.addRectangle(rect.insetBy(width / 2))
        canvas.lineJoin = .miter
        canvas.stroke(color, lineWidth: width)
    }

    /// procgen-tools' `show_grid_heatmap`: each cell filled red with opacity `maxAlpha · p` (transparent at 0,
    /// `maxAlpha` at 1; 0.7 by default, 0.9 in the paper). Cells are vector rectangles.
    public static func drawCellProbabilities(_ probabilities: [(MazePoint, Double)], maxAlpha: Double = 0.7,
                                             color: Color = .red, geometry: MazeViewGeometry, on canvas: Canvas) {
        canvas.withSavedState {
            // Adjacent translucent rectangles would show antialiased seams in PNG output.
            if canvas.format == .png { canvas.antialias = false }
            for (cell, p) in probabilities where p > 0 {
                canvas.fill(geometry.rect(of: cell), color.withAlpha(maxAlpha * min(1, p)))
            }
        }
    }
}
