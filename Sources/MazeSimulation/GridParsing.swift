/// Why a text grid could not be read as a maze.
public struct MazeGridError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension MazeState {
    /// A maze from text rows, top row first: `#` wall, `.` open, `M` mouse, `C` cheese (the reference's
    /// `grid` format). The maze is centred in the world of `mode` like a generated one.
    public init(grid: [String], mode: DistributionMode = .hard, backgroundIndex: Int = 0) throws(MazeGridError) {
        let n = grid.count
        guard n >= 1, n <= mode.worldDimension, n % 2 == 1 else {
            throw MazeGridError(message: "a maze grid needs an odd number of rows from 1 to \(mode.worldDimension), got \(n)")
        }
        let world = mode.worldDimension
        let margin = (world - n) / 2
        var walls = [Bool](repeating: true, count: world * world)
        var mouse: WorldPoint?
        var cheese: WorldPoint?
        for (row, line) in grid.enumerated() {
            let characters = Array(line)
            guard characters.count == n else {
                throw MazeGridError(message: "grid row \(row) has \(characters.count) cells; every row needs \(n)")
            }
            for (column, symbol) in characters.enumerated() {
                let point = WorldPoint(x: column + margin, y: n - 1 - row + margin)
                switch symbol {
                case "#": continue
                case ".": break
                case "M": mouse = point
                case "C": cheese = point
                default:
                    throw MazeGridError(message: "grid row \(row) column \(column): unknown symbol '\(symbol)'; use # . M C")
                }
                walls[point.y * world + point.x] = false
            }
        }
        guard let mouse else { throw MazeGridError(message: "the grid has no mouse ('M')") }
        self.init(mode: mode, mazeDimension: n, walls: walls, mouse: mouse, cheese: cheese,
                  backgroundIndex: backgroundIndex)
    }
}
