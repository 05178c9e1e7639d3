import Testing
import MazeSimulation

@Suite("Level generation against procgen 0.10.7")
struct LevelGenerationTests {
    @Test("mt19937: the 10000th output from seed 5489 is 4123659995")
    func mersenneTwisterCheckValue() {
        var twister = MersenneTwister(seed: 5489)
        var value: UInt32 = 0
        for _ in 0..<10_000 { value = twister.next() }
        #expect(value == 4_123_659_995)
    }

    @Test("upstream maze: every reference seed 0...199")
    func upstreamLevels() throws {
        let levels = try ReferenceData.levels("mazes_seeds_0_199.jsonl")
        #expect(levels.count == 200)
        for level in levels {
            let maze = LevelGenerator().generate(seed: level.seed)
            check(maze, against: level)
            #expect(maze.worldDimension == 25)
            if let rc = level.mouse_rc { #expect(maze.topDown(maze.mouseMaze) == TopDownCell(row: rc[0], column: rc[1])) }
            if let rc = level.cheese_rc, let cheese = maze.cheeseMaze {
                #expect(maze.topDown(cheese) == TopDownCell(row: rc[0], column: rc[1]))
            }
        }
    }

    @Test("procgenAISC maze_aisc rand_region=5: every reference seed 0...199")
    func aiscLevels() throws {
        let levels = try ReferenceData.levels("aisc_rand_region5_seeds_0_199.jsonl")
        #expect(levels.count == 200)
        let generator = LevelGenerator(variant: .aisc(randRegion: 5))
        for level in levels {
            let maze = generator.generate(seed: level.seed)
            check(maze, against: level)
            if let cheese = maze.cheeseMaze {
                let region = min(5, maze.mazeDimension)
                #expect(cheese.x >= maze.mazeDimension - region && cheese.y >= maze.mazeDimension - region)
            }
        }
    }

    @Test("AISC walls equal upstream walls; rand_region 0 puts the cheese in the corner")
    func aiscSharesWalls() {
        for seed: Int32 in [0, 1, 54, 1_000_000, Int32.max] {
            let upstream = LevelGenerator().generate(seed: seed)
            let fixedCorner = LevelGenerator(variant: .aisc(randRegion: 0)).generate(seed: seed)
            #expect(upstream.walls == fixedCorner.walls)
            #expect(fixedCorner.cheeseMaze == fixedCorner.topRightCell)
        }
    }

    @Test("rand_region 1 can leave a maze without cheese (seed 942, as procgenAISC does)")
    func aiscNoCheese() {
        let maze = LevelGenerator(variant: .aisc(randRegion: 1)).generate(seed: 942)
        #expect(maze.mazeDimension == 25)
        #expect(maze.cheese == nil)
    }

    @Test("fixed-size variant fills the world; easy mode uses a 15x15 world", arguments: [Int32(0), 7, 123_456, Int32.max])
    func otherVariants(seed: Int32) {
        let fixed = LevelGenerator(variant: .fixedSize).generate(seed: seed)
        #expect(fixed.mazeDimension == 25 && fixed.margin == 0)
        #expect(fixed.isOnDistribution)
        let easy = LevelGenerator(mode: .easy).generate(seed: seed)
        #expect(easy.worldDimension == 15)
        #expect(easy.mazeDimension % 2 == 1 && (3...15).contains(easy.mazeDimension))
        #expect(easy.isOnDistribution)
    }

    private func check(_ maze: MazeState, against level: ReferenceData.Level) {
        #expect(maze.mazeDimension == level.maze_dim, "seed \(level.seed)")
        #expect(maze.margin == level.margin, "seed \(level.seed)")
        #expect(maze.backgroundIndex == level.background_index, "seed \(level.seed)")
        #expect(maze.mouseMaze == MazePoint(x: level.mouse_maze[0], y: level.mouse_maze[1]), "seed \(level.seed)")
        #expect(maze.cheeseMaze == level.cheese_maze.map { MazePoint(x: $0[0], y: $0[1]) }, "seed \(level.seed)")
        #expect(maze.gridStrings == level.grid, "seed \(level.seed)")
    }
}
