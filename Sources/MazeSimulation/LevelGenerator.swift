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
    /// out of the list with an order-preserving erase (done here with a bit set and rank selection).
    mutating func carve(using random: inout ProcgenRandom) {
        let n = dimension
        // Candidate walls as (first cell, centre, second cell), horizontal joins first, then vertical ones.
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
        var remaining = RankedBitSet(count: candidates.count)
        var sets = DisjointSets(count: n * n)
        var listed = [Bool](repeating: false, count: n * n)
        freeCells.reserveCapacity(n * n)
        while remaining.count > 0 {
            let chosen = remaining.removeElement(atRank: random.randn(remaining.count))
            let (first, centre, second) = candidates[chosen]
            guard sets.find(first) != sets.find(second) else { continue }
            for cell in [first, centre, second] {
                isWall[cell] = false
                if !listed[cell] {
                    listed[cell] = true
                    freeCells.append(cell)
                }
            }
            sets.union(first, second)
        }
    }
}

/// A set of indices `0..<count` that can remove "the k-th remaining index" quickly, which is what an
/// order-preserving erase at position k of a list does.
struct RankedBitSet {
    private var words: [UInt64]
    private(set) var count: Int

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: ~0, count: (count + 63) / 64)
        let spare = words.count * 64 - count
        if spare > 0 { words[words.count - 1] = ~0 >> UInt64(spare) }
    }

    /// Removes and returns the element with `rank` smaller elements still present.
    mutating func removeElement(atRank rank: Int) -> Int {
        var skip = rank
        for w in words.indices {
            let population = words[w].nonzeroBitCount
            if skip < population {
                var word = words[w]
                for _ in 0..<skip { word &= word - 1 }
                let bit = word.trailingZeroBitCount
                words[w] &= ~(UInt64(1) << UInt64(bit))
                count -= 1
                return w * 64 + bit
            }
            skip -= population
        }
        preconditionFailure("rank \(rank) out of range")
    }
}

/// Union-find with path halving.
struct DisjointSets {
    private var parent: [Int]
    init(count: Int) { parent = Array(0..<count) }

    mutating func find(_ element: Int) -> Int {
        var x = element
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        let rootA = find(a), rootB = find(b)
        if rootA != rootB { parent[rootB] = rootA }
    }
}
