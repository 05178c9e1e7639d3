/// One maze at one moment: the world grid, the mouse, the cheese and the step counter, as a value.
///
/// The grid is procgen's world grid (`worldDimension`², index `y * worldDimension + x`, y up); every cell
/// outside the maze proper is wall, and so is everything out of bounds. The cheese is not stored in the grid:
/// it is `cheese` (nil once eaten, removed, or never placed).
public struct MazeState: Hashable, Sendable {
    public let mode: DistributionMode
    /// Odd side length of the maze proper, 3 ... worldDimension.
    public let mazeDimension: Int
    /// The level seed the maze was generated from (nil for a maze built by hand).
    public var levelSeed: Int32?
    /// Index into procgen's 9 top-down backgrounds.
    public var backgroundIndex: Int
    /// `true` where the world cell is a wall; index `y * worldDimension + x`.
    public private(set) var walls: [Bool]
    /// The mouse's cell; always an open cell.
    public var mouse: WorldPoint
    public var facing: Facing
    /// The cheese's cell, nil when there is none.
    public var cheese: WorldPoint?
    /// Steps taken in the current episode (procgen's `cur_time`).
    public var stepCount: Int

    public var worldDimension: Int { mode.worldDimension }
    /// Sand cells on each side of the maze: `(worldDimension - mazeDimension) / 2`.
    public var margin: Int { (worldDimension - mazeDimension) / 2 }

    /// A maze from its parts. `walls` is indexed `y * worldDimension + x` (y up).
    public init(
        mode: DistributionMode, mazeDimension: Int, walls: [Bool], mouse: WorldPoint, facing: Facing = .left,
        cheese: WorldPoint?, levelSeed: Int32? = nil, backgroundIndex: Int = 0, stepCount: Int = 0
    ) {
        precondition(walls.count == mode.worldDimension * mode.worldDimension, "wall grid has the wrong size")
        self.mode = mode
        self.mazeDimension = mazeDimension
        self.walls = walls
        self.mouse = mouse
        self.facing = facing
        self.cheese = cheese
        self.levelSeed = levelSeed
        self.backgroundIndex = backgroundIndex
        self.stepCount = stepCount
    }

    // MARK: - Grid queries

    /// Whether a world cell lies in the world grid.
    public func contains(_ point: WorldPoint) -> Bool {
        point.x >= 0 && point.y >= 0 && point.x < worldDimension && point.y < worldDimension
    }

    /// Wall test in world coordinates; out of bounds counts as wall, as in procgen.
    public func isWall(_ point: WorldPoint) -> Bool {
        guard contains(point) else { return true }
        return walls[point.y * worldDimension + point.x]
    }

    /// Wall test in maze coordinates; outside the maze counts as wall.
    public func isWall(_ point: MazePoint) -> Bool {
        guard containsMaze(point) else { return true }
        return isWall(world(point))
    }

    /// Whether a maze cell lies inside the maze proper.
    public func containsMaze(_ point: MazePoint) -> Bool {
        point.x >= 0 && point.y >= 0 && point.x < mazeDimension && point.y < mazeDimension
    }

    mutating func setWall(_ point: WorldPoint, _ isWall: Bool) {
        walls[point.y * worldDimension + point.x] = isWall
    }

    // MARK: - Coordinate conversions (the y flip lives only here)

    /// Maze cell to world cell: adds the margin on both axes.
    public func world(_ point: MazePoint) -> WorldPoint {
        WorldPoint(x: point.x + margin, y: point.y + margin)
    }

    /// World cell to maze cell, nil when the world cell is in the padding.
    public func maze(_ point: WorldPoint) -> MazePoint? {
        let result = MazePoint(x: point.x - margin, y: point.y - margin)
        return containsMaze(result) ? result : nil
    }

    /// Maze cell to its (row, column) in the top-row-first maze grid: `row = mazeDimension - 1 - y`.
    public func topDown(_ point: MazePoint) -> TopDownCell {
        TopDownCell(row: mazeDimension - 1 - point.y, column: point.x)
    }

    /// (row, column) in the top-row-first maze grid back to a maze cell.
    public func maze(_ cell: TopDownCell) -> MazePoint {
        MazePoint(x: cell.column, y: mazeDimension - 1 - cell.row)
    }

    /// World cell to its (row, column) in the top-row-first world grid: `row = worldDimension - 1 - y`.
    public func topDownWorld(_ point: WorldPoint) -> TopDownCell {
        TopDownCell(row: worldDimension - 1 - point.y, column: point.x)
    }

    /// The mouse in maze coordinates (the mouse is always inside the maze).
    public var mouseMaze: MazePoint { maze(mouse)! }
    /// The cheese in maze coordinates, nil when there is no cheese.
    public var cheeseMaze: MazePoint? { cheese.flatMap { maze($0) } }

    /// Every open cell of the maze, in maze coordinates, bottom row first (y, then x).
    public var openCells: [MazePoint] {
        var result: [MazePoint] = []
        result.reserveCapacity(mazeDimension * mazeDimension)
        for y in 0..<mazeDimension {
            for x in 0..<mazeDimension where !isWall(MazePoint(x: x, y: y)) {
                result.append(MazePoint(x: x, y: y))
            }
        }
        return result
    }

    /// Where the mouse may be placed for a vector field: every open maze cell except the cheese's
    /// (procgen-tools' legal mouse positions; the start cell is included). Bottom row first.
    public var legalMousePositions: [MazePoint] {
        let cheeseCell = cheeseMaze
        return openCells.filter { $0 != cheeseCell }
    }

    /// The maze as strings, top row first: `#` wall, `.` open, `M` mouse, `C` cheese (the reference's `grid`).
    public var gridStrings: [String] {
        (0..<mazeDimension).map { row in
            String((0..<mazeDimension).map { column -> Character in
                let point = maze(TopDownCell(row: row, column: column))
                if point == mouseMaze { return "M" }
                if point == cheeseMaze { return "C" }
                return isWall(point) ? "#" : "."
            })
        }
    }
}
