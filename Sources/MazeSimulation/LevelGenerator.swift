/// Which game's level generator to follow.
public enum LevelVariant: Hashable, Sendable, Codable, CustomStringConvertible {
    /// procgen 0.10.7's `maze`.
    case upstream
    /// procgenAISC's `maze_aisc`: same walls, cheese in the top-right `randRegion`² square
    /// (0 = the top-right corner itself, with no random draw). May leave the maze without cheese.
    case aisc(randRegion: Int)
    /// procgenAISC's `maze_fixed_size`: the maze fills the world and the size draw is skipped.
    case fixedSize

    public var description: String {
        switch self {
        case .upstream: "upstream"
        case .aisc(let region): "aisc(rand_region=\(region))"
        case .fixedSize: "fixed-size"
        }
    }
}

/// Generates procgen levels from level seeds, reproducing procgen's random draws in their exact order.
public struct LevelGenerator: Sendable {
    public var mode: DistributionMode
    public var variant: LevelVariant

    public init(mode: DistributionMode = .hard, variant: LevelVariant = .upstream) {
        self.mode = mode
        self.variant = variant
    }

    /// The level procgen builds for `seed` (`start_level = seed, num_levels = 1`).
    /// - Complexity: about 330 random draws and a union-find pass over ≤ 625 cells.
    public func generate(seed: Int32) -> MazeState {
        var random = ProcgenRandom(seed: seed)
        // BasicAbstractGame::game_reset: bg_pct_x (no visible effect in maze), then the background.
        _ = random.rand01()
        let backgroundIndex = random.randn(9)
        let worldDimension = mode.worldDimension
        let mazeDimension: Int
        if case .fixedSize = variant {
            mazeDimension = worldDimension
        } else {
            mazeDimension = random.randn((worldDimension - 1) / 2) * 2 + 3
        }
        var carved = MazeCarver(dimension: mazeDimension)
        carved.carve(using: &random)
        let cheeseIndex = placeCheese(in: carved, using: &random)

        let margin = (worldDimension - mazeDimension) / 2
        var walls = [Bool](repeating: true, count: worldDimension * worldDimension)
        for y in 0..<mazeDimension {
            for x in 0..<mazeDimension where !carved.isWall[y * mazeDimension + x] {
                walls[(y + margin) * worldDimension + x + margin] = false
            }
        }
        let cheese = cheeseIndex.map {
            WorldPoint(x: $0 % mazeDimension + margin, y: $0 / mazeDimension + margin)
        }
        return MazeState(
            mode: mode, mazeDimension: mazeDimension, walls: walls,
            mouse: WorldPoint(x: margin, y: margin), facing: .left, cheese: cheese,
            levelSeed: seed, backgroundIndex: backgroundIndex, stepCount: 0)
    }

    /// The cheese's maze-cell index (`n * y + x`), or nil when the AISC region search gives up.
    private func placeCheese(in maze: MazeCarver, using random: inout ProcgenRandom) -> Int? {
        let free = maze.freeCells
        let n = maze.dimension
        switch variant {
        case .upstream, .fixedSize:
            // MazeGen::place_objects: redraw while the start cell (index 0) comes up.
            var pick = random.randn(free.count)
            while free[pick] == 0 { pick = random.randn(free.count) }
            return free[pick]
        case .aisc(let randRegion):
            let region = min(randRegion, n)
            if region <= 0 { return n * (n - 1) + (n - 1) }
            _ = random.randn(free.count)  // procgenAISC draws once and discards the result
            for _ in 0..<(n * 100) {
                let cell = free[random.randn(free.count)]
                if cell != 0 && cell % n >= n - region && cell / n >= n - region { return cell }
            }
            return nil
        }
    }
}

/// procgen's `MazeGen::generate_maze`: randomised Kruskal over the even-coordinate cells.
struct MazeCarver {
    let dimension: Int
    /// Maze cells, index `dimension * y + x`; true = wall.
    private(set) var isWall: [Bool]
    /// Open cells in the order procgen appends them (its `free_cells`).
    private(set) var freeCells: [Int] = []

    init(dimension: Int) {
        self.dimension = dimension
        isWall = [Bool](repeating: true, count: dimension * dimension)
        isWall[0] = false
    }

    /// Removes walls in procgen's draw order: one `randn(remaining)` per candidate wall, the chosen wall taken
    /// out of the list with an order-preserving erase (a memmove of the remaining indices, as `vector::erase`).
    mutating func carve(using random: inout ProcgenRandom) {
        let n = dimension
        let cellCount = n * n
        let candidates = MazeCarver.candidateWalls(dimension: n)
        var opened = isWall
        var free = [Int](repeating: 0, count: cellCount)
        var freeCount = 0
        opened.withUnsafeMutableBufferPointer { walls in
            free.withUnsafeMutableBufferPointer { freeList in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: cellCount) { parent in
                    withUnsafeTemporaryAllocation(of: Bool.self, capacity: cellCount) { listed in
                        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: candidates.count) { order in
                            for cell in 0..<cellCount { parent[cell] = Int32(cell) }
                            listed.initialize(repeating: false)
                            for k in 0..<candidates.count { order[k] = UInt16(k) }
                            var remaining = candidates.count
                            let base = UnsafeMutableRawPointer(order.baseAddress!)
                            while remaining > 0 {
                                let pick = random.randn(remaining)
                                let (first, centre, second) = candidates[Int(order[pick])]
                                let tail = remaining - pick - 1
                                if tail > 0 {
                                    (base + 2 * pick).copyMemory(from: base + 2 * (pick + 1), byteCount: 2 * tail)
                                }
                                remaining -= 1
                                let rootFirst = Self.root(of: first, parent)
                                let rootSecond = Self.root(of: second, parent)
                                guard rootFirst != rootSecond else { continue }
                                let cells: InlineArray<3, Int> = [first, centre, second]
                                for k in cells.indices {
                                    let cell = cells[k]
                                    // procgen's set_free_cell: mark open, append to free_cells the first time.
                                    walls[cell] = false
                                    if !listed[cell] {
                                        listed[cell] = true
                                        freeList[freeCount] = cell
                                        freeCount += 1
                                    }
                                }
                                parent[rootSecond] = Int32(rootFirst)
                            }
                        }
                    }
                }
            }
        }
        isWall = opened
        free.removeLast(cellCount - freeCount)
        freeCells = free
    }

    /// Union-find root with path halving.
    private static func root(of element: Int, _ parent: UnsafeMutableBufferPointer<Int32>) -> Int {
        var x = element
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    /// The candidate walls of an n x n maze as (first cell, centre, second cell), in procgen's order:
    /// horizontal joins (i odd, j even) first, then vertical joins (i even, j odd).
    static func candidateWalls(dimension n: Int) -> [(Int, Int, Int)] {
        if n < candidateTables.count, !candidateTables[n].isEmpty { return candidateTables[n] }
        return buildCandidateWalls(dimension: n)
    }

    /// Tables for every size a generated maze can have (3 ... 25), built once.
    private static let candidateTables: [[(Int, Int, Int)]] = (0...25).map { n in
        n >= 3 && n % 2 == 1 ? buildCandidateWalls(dimension: n) : []
    }

    private static func buildCandidateWalls(dimension n: Int) -> [(Int, Int, Int)] {
        var candidates: [(Int, Int, Int)] = []
        for i in stride(from: 1, to: n - 1, by: 2) {
            for j in stride(from: 0, to: n, by: 2) {
                candidates.append((n * j + i - 1, n * j + i, n * j + i + 1))
            }
        }
        for i in stride(from: 0, to: n, by: 2) {
            for j in stride(from: 1, to: n - 1, by: 2) {
                candidates.append((n * (j - 1) + i, n * j + i, n * (j + 1) + i))
            }
        }
        return candidates
    }
}
