import MazeSimulation

/// The maze a request is about: a level seed and its generator, and edits relative to the generated level.
///
/// JSON fields (all but `seed` optional): `seed` (0 ... 2147483647), `mode` (`hard` | `easy`), `variant`
/// (`upstream` | `aisc` | `fixed-size`), `rand_region` (for `aisc`), `walls` (cells `[x, y]` whose wall is
/// toggled), `cheese` (`[x, y]` moves it, `null` removes it, absent keeps it), `mouse` (`[x, y]`). Maze
/// coordinates: x right, y up, the start at (0, 0).
public struct MazeQuery: Hashable, Sendable {
    public enum CheeseEdit: Hashable, Sendable {
        case keep, remove
        case move(MazePoint)
    }

    public var seed: Int32
    public var generator: GeneratorKey
    public var walls: [MazePoint]
    public var cheese: CheeseEdit
    public var mouse: MazePoint?

    /// A hashable stand-in for `LevelGenerator` (cache keys).
    public struct GeneratorKey: Hashable, Sendable {
        public var mode: DistributionMode
        public var variant: LevelVariant
        public var generator: LevelGenerator { LevelGenerator(mode: mode, variant: variant) }
    }

    public init(seed: Int32, mode: DistributionMode = .hard, variant: LevelVariant = .upstream,
                walls: [MazePoint] = [], cheese: CheeseEdit = .keep, mouse: MazePoint? = nil) {
        self.seed = seed
        generator = GeneratorKey(mode: mode, variant: variant)
        self.walls = walls
        self.cheese = cheese
        self.mouse = mouse
    }

    /// The field names `init(fields:)` reads.
    static let fieldNames: Set<String> = ["seed", "mode", "variant", "rand_region", "walls", "cheese", "mouse"]

    /// Reads the maze fields of a request. - Throws: `ExplorerRequestError` naming the field.
    init(fields: RequestFields) throws(ExplorerRequestError) {
        guard let seed = try fields.int("seed", in: 0...Int(Int32.max)) else {
            throw ExplorerRequestError(field: "seed", "is required: a level seed in 0 ... 2147483647")
        }
        let mode: DistributionMode
        switch try fields.string("mode") {
        case nil, "hard": mode = .hard
        case "easy": mode = .easy
        case let other?: throw ExplorerRequestError(field: "mode", "'\(other)' is unknown; use hard or easy")
        }
        let region = try fields.int("rand_region", in: 0...25)
        let variant: LevelVariant
        switch try fields.string("variant") {
        case nil, "upstream": variant = .upstream
        case "aisc": variant = .aisc(randRegion: region ?? 5)
        case "fixed-size": variant = .fixedSize
        case let other?: throw ExplorerRequestError(field: "variant", "'\(other)' is unknown; use upstream, aisc or fixed-size")
        }
        if region != nil, case .aisc = variant {} else if region != nil {
            throw ExplorerRequestError(field: "rand_region", "applies only to \"variant\": \"aisc\"")
        }
        let cheese: CheeseEdit
        if fields.isNull("cheese") {
            cheese = .remove
        } else if let point = try fields.point("cheese") {
            cheese = .move(point)
        } else {
            cheese = .keep
        }
        self.init(seed: Int32(seed), mode: mode, variant: variant,
                  walls: try fields.points("walls", limit: ExplorerLimits.maxWallEdits), cheese: cheese,
                  mouse: try fields.point("mouse"))
    }

    /// The generated level with the edits applied: walls toggled first, then the cheese and the mouse put on
    /// their cells, which must be open and distinct.
    /// - Throws: `ExplorerRequestError` naming `walls[i]`, `cheese` or `mouse`.
    public func maze() throws(ExplorerRequestError) -> MazeState {
        let generated = generator.generator.generate(seed: seed)
        guard !walls.isEmpty || cheese != .keep || mouse != nil else { return generated }
        let n = generated.mazeDimension
        func inside(_ point: MazePoint, _ field: String) throws(ExplorerRequestError) {
            guard generated.containsMaze(point) else {
                throw ExplorerRequestError(field: field, "\(point.x),\(point.y) is outside the \(n)x\(n) maze; use 0 ... \(n - 1)")
            }
        }
        var wallGrid = generated.walls
        let world = generated.worldDimension
        for (index, cell) in walls.enumerated() {
            try inside(cell, "walls[\(index)]")
            let point = generated.world(cell)
            wallGrid[point.y * world + point.x].toggle()
        }
        func isOpen(_ cell: MazePoint) -> Bool {
            let point = generated.world(cell)
            return !wallGrid[point.y * world + point.x]
        }
        let mouseCell = mouse ?? generated.mouseMaze
        if let mouse { try inside(mouse, "mouse") }
        guard isOpen(mouseCell) else {
            throw ExplorerRequestError(field: mouse == nil ? "walls" : "mouse",
                                       "the mouse's cell \(mouseCell.x),\(mouseCell.y) is a wall; the mouse needs an open cell")
        }
        var cheeseCell: MazePoint?
        switch cheese {
        case .keep: cheeseCell = generated.cheeseMaze
        case .remove: cheeseCell = nil
        case .move(let cell):
            try inside(cell, "cheese")
            cheeseCell = cell
        }
        if let cheeseCell {
            let field = cheese == .keep ? "walls" : "cheese"
            guard isOpen(cheeseCell) else {
                throw ExplorerRequestError(field: field, "the cheese's cell \(cheeseCell.x),\(cheeseCell.y) is a wall; it needs an open cell")
            }
            guard cheeseCell != mouseCell else {
                throw ExplorerRequestError(field: mouse == nil ? "cheese" : "mouse",
                                           "the cheese and the mouse cannot share the cell \(mouseCell.x),\(mouseCell.y)")
            }
        }
        return MazeState(mode: generated.mode, mazeDimension: n, walls: wallGrid, mouse: generated.world(mouseCell),
                         facing: generated.facing, cheese: cheeseCell.map { generated.world($0) },
                         levelSeed: generated.levelSeed, backgroundIndex: generated.backgroundIndex)
    }

    /// The variant's name as requests and the CLI's `--generator` write it.
    public var variantName: String {
        switch generator.variant {
        case .upstream: "upstream"
        case .aisc: "aisc"
        case .fixedSize: "fixed-size"
        }
    }
}
