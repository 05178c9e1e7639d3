import MazeSimulation

/// A pool of levels indexed once by which world (full-grid) cells are open and where each level's cheese is,
/// so "a random level where cell (x, y) can hold the cheese" is one array lookup instead of a search.
///
/// Building it generates every level of `seeds` once (≈0.1 ms each). Memory: one `Int32` per open cell per
/// level (≈100 per level on average, so ≈8 MB for 20,000 levels).
public struct LevelCellIndex: Sendable {
    /// The pool, in the order given.
    public let seeds: [Int32]
    public let generator: LevelGenerator
    /// World side (25 for procgen's hard mode).
    public let worldDimension: Int
    /// Per world cell (`y · worldDimension + x`): the pool seeds whose level has that cell open.
    private let openBy: [[Int32]]
    /// Per world cell: the pool seeds whose level's own cheese is on that cell.
    private let cheeseBy: [[Int32]]

    public init(seeds: [Int32], generator: LevelGenerator = LevelGenerator()) {
        let side = generator.mode.worldDimension
        var open = [[Int32]](repeating: [], count: side * side), cheese = open
        for seed in seeds {
            let maze = generator.generate(seed: seed)
            for cell in maze.openCells {
                let world = maze.world(cell)
                open[world.y * side + world.x].append(seed)
            }
            if let point = maze.cheese { cheese[point.y * side + point.x].append(seed) }
        }
        self.seeds = seeds
        self.generator = generator
        worldDimension = side
        openBy = open
        cheeseBy = cheese
    }

    /// Pool seeds whose level has `cell` open (the cheese's own cell counts as open).
    public func seeds(open cell: WorldPoint) -> [Int32] {
        contains(cell) ? openBy[cell.y * worldDimension + cell.x] : []
    }

    /// Pool seeds whose level's own cheese sits on `cell`.
    public func seeds(cheeseAt cell: WorldPoint) -> [Int32] {
        contains(cell) ? cheeseBy[cell.y * worldDimension + cell.x] : []
    }

    /// World cells that hold the cheese of at least one pool level.
    public var cheeseCells: [WorldPoint] {
        cheeseBy.indices.filter { !cheeseBy[$0].isEmpty }
            .map { WorldPoint(x: $0 % worldDimension, y: $0 / worldDimension) }
    }

    private func contains(_ cell: WorldPoint) -> Bool {
        (0..<worldDimension).contains(cell.x) && (0..<worldDimension).contains(cell.y)
    }
}
