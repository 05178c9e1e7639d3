import MazeSimulation

/// Where each sprite lands in the 64x64 observation, for one distribution mode: procgen's camera
/// (`prepare_for_drawing` with `center_agent = false`) and its float32 screen rectangles, pushed through Qt's
/// nearest-neighbour scaling once per world column and row.
///
/// Every rectangle is separable: a sprite at world cell (x, y) covers `columns[x]` × `rows[y]`.
struct ObservationGeometry: Sendable {
    static let side = 64
    /// procgen's `RENDER_EPS`: tiles are drawn 0.02 cells larger on every side.
    static let renderEpsilon: Float = 0.02

    let worldDimension: Int
    let wallColumns: [ScaledAxis]
    let wallRows: [ScaledAxis]
    let cheeseColumns: [ScaledAxis]
    let cheeseRows: [ScaledAxis]
    let mouseColumns: [ScaledAxis]
    /// The mouse facing right: the same rectangle, texels taken from the mirrored sprite.
    let mirroredMouseColumns: [ScaledAxis]
    let mouseRows: [ScaledAxis]

    init(mode: DistributionMode, wallSize: Int, cheeseSize: Int, mouseSize: Int, backgroundSizes: [Int]) {
        let camera = Camera(worldDimension: mode.worldDimension)
        worldDimension = mode.worldDimension
        let cells = 0..<worldDimension
        func columns(_ epsilon: Float, _ size: Int) -> [ScaledAxis] {
            cells.map { x in
                let (left, width) = camera.horizontal(x: Float(x), epsilon: epsilon)
                return ScaledAxis(origin: Double(left), length: Double(width), sourceLength: size, clipLength: Self.side)
            }
        }
        func rows(_ epsilon: Float, _ size: Int) -> [ScaledAxis] {
            cells.map { y in
                // Grid objects and the mouse (rx = ry = 0.5 at the cell centre) both use the cell's top edge y + 1.
                let (top, height) = camera.vertical(y: Float(y + 1), epsilon: epsilon)
                return ScaledAxis(origin: Double(top), length: Double(height), sourceLength: size, clipLength: Self.side)
            }
        }
        wallColumns = columns(Self.renderEpsilon, wallSize)
        wallRows = rows(Self.renderEpsilon, wallSize)
        cheeseColumns = columns(Self.renderEpsilon, cheeseSize)
        cheeseRows = rows(Self.renderEpsilon, cheeseSize)
        mouseColumns = columns(0, mouseSize)
        // procgen draws a facing-right mouse as a pre-mirrored copy of the sprite (`QImage::mirrored`) into the
        // same rectangle, so texel column c becomes mouseSize - 1 - c.
        mirroredMouseColumns = mouseColumns.map { axis in
            ScaledAxis(start: axis.start, sources: axis.sources.map { mouseSize - 1 - $0 })
        }
        mouseRows = rows(0, mouseSize)
        let (left, width) = camera.horizontal(x: 0, epsilon: 0, cells: Float(worldDimension))
        let (top, height) = camera.vertical(y: Float(worldDimension), epsilon: 0, cells: Float(worldDimension))
        var backgroundColumns: [Int: ScaledAxis] = [:], backgroundRows: [Int: ScaledAxis] = [:]
        for size in Set(backgroundSizes) {
            backgroundColumns[size] = ScaledAxis(origin: Double(left), length: Double(width), sourceLength: size, clipLength: Self.side)
            backgroundRows[size] = ScaledAxis(origin: Double(top), length: Double(height), sourceLength: size, clipLength: Self.side)
        }
        self.backgroundColumns = backgroundColumns
        self.backgroundRows = backgroundRows
    }

    /// The background's columns and rows: procgen's `main_rect = get_screen_rect(0, main_height, main_width,
    /// main_height)` (the aspect adjustment is the identity because every background is square). That is
    /// `QRectF(0, 0, 64, 64)` in hard mode but is shifted by about 2e-6 px in easy mode, which moves the sampling
    /// phase of the 512-pixel background.
    let backgroundColumns: [Int: ScaledAxis]
    let backgroundRows: [Int: ScaledAxis]
}

/// procgen's camera in float32, exactly as `BasicAbstractGame::prepare_for_drawing` computes it for a 64-pixel
/// target: `unit = 64 / visibility`, `view_dim = float(64.0 / unit)` (14.999999f in easy mode, not 15), and
/// offsets `unit * (centre - view_dim / 2)` that are tiny but not zero in easy mode.
struct Camera {
    let unit: Float
    let viewDimension: Float
    let xOffset: Float
    let yOffset: Float

    init(worldDimension: Int) {
        let visibility = Float(worldDimension)
        let rawUnit: Float = 64 / visibility
        unit = Float(Double(rawUnit) * (64.0 / 64.0))
        viewDimension = Float(64.0 / Double(rawUnit))
        let centre = Float(Double(worldDimension) * 0.5)
        xOffset = unit * (centre - viewDimension / 2)
        yOffset = unit * (centre - viewDimension / 2)
    }

    /// `get_screen_rect`'s left edge and width: `(x - eps) * unit - x_off`, `(cells + 2 eps) * unit`.
    func horizontal(x: Float, epsilon: Float, cells: Float = 1) -> (left: Float, width: Float) {
        let left = (x - epsilon) * unit - xOffset
        let width = (cells + 2 * epsilon) * unit
        return (left, width)
    }

    /// `get_screen_rect`'s top edge and height: `(view_dim - y - eps) * unit + y_off`, `(cells + 2 eps) * unit`.
    func vertical(y: Float, epsilon: Float, cells: Float = 1) -> (top: Float, height: Float) {
        let top = (viewDimension - y - epsilon) * unit + yOffset
        let height = (cells + 2 * epsilon) * unit
        return (top, height)
    }
}
