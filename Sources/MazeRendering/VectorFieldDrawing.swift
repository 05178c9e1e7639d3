import CairoGraphics
import MazeSimulation
import PolicyAnalysis

/// Arrows over a maze view: net probability arrows, per-action component arrows, diff arrows and
/// most-probable-path arrows. Each arrow is filled on its own, so in SVG/PDF it is one vector `<path>`.
///
/// Length: probability 1 is one cell (matplotlib `quiver(scale=1, scale_units="xy")` over the 20.48 px tiles).
/// Width: procgen-tools' `0.005 · 25 / (n · 1.8)` of an n-cell-wide axis, i.e. about 0.07 cells, so arrows thin
/// as the maze grows; never under 0.75 user units so they stay visible at small sizes.
public enum VectorFieldDrawing {
    /// Shaft width in cells (procgen-tools' quiver width expressed per cell).
    public static let shaftWidthInCells = 0.005 * 25 / 1.8

    /// The arrow shape for `geometry`: matplotlib quiver's head, 3 shafts wide and 4.5 long.
    public static func arrowStyle(for geometry: MazeViewGeometry) -> ArrowStyle {
        let shaft = max(0.75, shaftWidthInCells * geometry.tileSize)
        return ArrowStyle(shaftWidth: shaft, headWidth: 3 * shaft, headLength: 4.5 * shaft)
    }

    /// One arrow per position from the cell centre along `(dx, dy)` cells (y up). Zero arrows are skipped.
    /// - Returns: how many arrows were drawn.
    @discardableResult
    public static func drawArrows(at cells: [MazePoint], vectors: [(dx: Float, dy: Float)], color: Color,
                                  geometry: MazeViewGeometry, on canvas: Canvas) -> Int {
        let style = arrowStyle(for: geometry)
        var drawn = 0
        for (cell, vector) in zip(cells, vectors) {
            let tail = geometry.center(of: cell)
            let offset = geometry.offset(dx: Double(vector.dx), dy: Double(vector.dy))
            if canvas.fillArrow(from: tail, to: Point(x: tail.x + offset.x, y: tail.y + offset.y), style: style, color: color) {
                drawn += 1
            }
        }
        return drawn
    }

    /// The net arrow `(P(right) − P(left), P(up) − P(down))` at every position, white by default.
    @discardableResult
    public static func drawNetArrows(_ field: VectorField, color: Color = .white, geometry: MazeViewGeometry,
                                     on canvas: Canvas) -> Int {
        drawArrows(at: field.positions, vectors: field.positions.indices.map { field.netArrow(at: $0) },
                   color: color, geometry: geometry, on: canvas)
    }

    /// The four component arrows (left, down, up, right), each of length P(action), at every position.
    @discardableResult
    public static func drawComponentArrows(_ field: VectorField, color: Color = .white, geometry: MazeViewGeometry,
                                           on canvas: Canvas) -> Int {
        var cells: [MazePoint] = [], vectors: [(dx: Float, dy: Float)] = []
        for index in field.positions.indices {
            for arrow in field.componentArrows(at: index) {
                cells.append(field.positions[index])
                vectors.append(arrow)
            }
        }
        return drawArrows(at: cells, vectors: vectors, color: color, geometry: geometry, on: canvas)
    }

    /// Patched minus original net arrows, lime by default (procgen-tools' `plot_vf_diff`).
    @discardableResult
    public static func drawDiffArrows(_ diff: VectorFieldDiff, color: Color = .lime, geometry: MazeViewGeometry,
                                      on canvas: Canvas) -> Int {
        drawArrows(at: diff.positions, vectors: diff.positions.indices.map { diff.netArrow(at: $0) },
                   color: color, geometry: geometry, on: canvas)
    }

    /// Uniform arrows along a path (the most-probable path), one per step, `length` cells long
    /// (18 px on procgen's 20.48 px tiles).
    @discardableResult
    public static func drawPathArrows(_ path: [MazePoint], color: Color = .white, length: Double = 18 / 20.48,
                                      geometry: MazeViewGeometry, on canvas: Canvas) -> Int {
        let steps = zip(path, path.dropFirst()).map { from, to in
            (from, (dx: Float(Double(to.x - from.x) * length), dy: Float(Double(to.y - from.y) * length)))
        }
        let style = arrowStyle(for: geometry)
        let thick = ArrowStyle(shaftWidth: style.shaftWidth * 1.6, headWidth: style.headWidth * 1.6,
                               headLength: style.headLength * 1.6)
        var drawn = 0
        for (cell, vector) in steps {
            // Centred on the step between the two cells.
            let a = geometry.center(of: cell)
            let offset = geometry.offset(dx: Double(vector.dx), dy: Double(vector.dy))
            let half = geometry.offset(dx: Double(vector.dx) / length / 2, dy: Double(vector.dy) / length / 2)
            let mid = Point(x: a.x + half.x, y: a.y + half.y)
            let tail = Point(x: mid.x - offset.x / 2, y: mid.y - offset.y / 2)
            let tip = Point(x: mid.x + offset.x / 2, y: mid.y + offset.y / 2)
            if canvas.fillArrow(from: tail, to: tip, style: thick, color: color) { drawn += 1 }
        }
        return drawn
    }
}
