import CairoGraphics
import MazeSimulation

/// Whether a maze view shows the sand margin around the maze proper.
public enum PaddingMode: String, Hashable, Sendable, Codable, CaseIterable {
    /// The whole world grid (procgen's 512 px render: 25 cells across in hard mode).
    case shown
    /// Only the maze proper (procgen-tools' `render_padding=False`).
    case cropped
}

/// Where the cells of one maze land on a canvas: the single place that turns maze and world coordinates
/// (x right, **y up**) into canvas points (x right, **y down**).
///
/// The view is a square `frame` showing `visibleCells` world cells across: all of them with padding shown,
/// the maze proper when cropped. Every cell is `tileSize` user units wide.
public struct MazeViewGeometry: Hashable, Sendable {
    /// Where the view is drawn, in canvas user units (square).
    public let frame: Rect
    public let worldDimension: Int
    public let mazeDimension: Int
    /// World index of the first visible column (and row, from the bottom): 0, or the margin when cropped.
    public let firstVisibleCell: Int
    /// Cells across the view.
    public let visibleCells: Int

    public init(maze: MazeState, padding: PaddingMode, frame: Rect) {
        self.frame = frame
        worldDimension = maze.worldDimension
        mazeDimension = maze.mazeDimension
        firstVisibleCell = padding == .shown ? 0 : maze.margin
        visibleCells = padding == .shown ? maze.worldDimension : maze.mazeDimension
    }

    /// Side of one cell in user units (512 / 25 = 20.48 for procgen's full render).
    public var tileSize: Double { frame.width / Double(visibleCells) }

    /// The maze's margin on each side, in cells.
    public var margin: Int { (worldDimension - mazeDimension) / 2 }

    /// The square of world cell `point`, grown by `epsilon` cells on every side (procgen draws grid tiles
    /// 0.02 cells larger so neighbours overlap). The y flip happens here.
    public func rect(ofWorld point: WorldPoint, epsilon: Double = 0) -> Rect {
        let column = Double(point.x - firstVisibleCell)
        let rowFromTop = Double(firstVisibleCell + visibleCells - 1 - point.y)
        return Rect(x: frame.x + (column - epsilon) * tileSize, y: frame.y + (rowFromTop - epsilon) * tileSize,
                    width: (1 + 2 * epsilon) * tileSize, height: (1 + 2 * epsilon) * tileSize)
    }

    /// The square of maze cell `point`.
    public func rect(of point: MazePoint, epsilon: Double = 0) -> Rect {
        rect(ofWorld: world(point), epsilon: epsilon)
    }

    /// The centre of maze cell `point`.
    public func center(of point: MazePoint) -> Point { rect(of: point).center }

    /// A displacement given in cells (dx right, dy **up**) as a canvas offset.
    public func offset(dx: Double, dy: Double) -> Point { Point(x: dx * tileSize, y: -dy * tileSize) }

    /// The whole world grid (equal to `frame` with padding shown, larger and centred on it when cropped).
    public var worldRect: Rect {
        let inset = Double(firstVisibleCell) * tileSize
        let side = Double(worldDimension) * tileSize
        return Rect(x: frame.x - inset, y: frame.y - inset, width: side, height: side)
    }

    /// The maze proper (without the margin).
    public var mazeRect: Rect {
        let topLeft = rect(of: MazePoint(x: 0, y: mazeDimension - 1))
        return Rect(x: topLeft.x, y: topLeft.y, width: Double(mazeDimension) * tileSize,
                    height: Double(mazeDimension) * tileSize)
    }

    /// The square of cell (`row` from the top, `column`) of a `mapSize` x `mapSize` activation map, which
    /// covers the whole world as the 64x64 observation does (a block-2 cell is 64/16 observation pixels).
    public func rect(ofChannelRow row: Int, column: Int, mapSize: Int) -> Rect {
        let world = worldRect, side = world.width / Double(mapSize)
        return Rect(x: world.x + Double(column) * side, y: world.y + Double(row) * side, width: side, height: side)
    }

    /// Smallest rectangle holding maze cells with x in `columns` and y in `rows` (y up).
    public func rect(columns: ClosedRange<Int>, rows: ClosedRange<Int>) -> Rect {
        let topLeft = rect(of: MazePoint(x: columns.lowerBound, y: rows.upperBound))
        return Rect(x: topLeft.x, y: topLeft.y, width: Double(columns.count) * tileSize,
                    height: Double(rows.count) * tileSize)
    }

    private func world(_ point: MazePoint) -> WorldPoint {
        WorldPoint(x: point.x + margin, y: point.y + margin)
    }
}
