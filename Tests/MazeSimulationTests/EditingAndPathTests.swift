import Testing
import MazeSimulation

@Suite("Edits, paths, decision square and metrics")
struct EditingAndPathTests {
    // A 5x5 maze whose paths to the cheese (top-left) and to the top-right part at maze (0, 2).
    static let fork = [
        "C#...",
        ".###.",
        ".....",
        ".####",
        "M....",
    ]

    @Test("grid text round-trips and coordinates convert both ways")
    func gridRoundTrip() throws {
        let maze = try MazeState(grid: Self.fork)
        #expect(maze.gridStrings == Self.fork)
        #expect(maze.margin == 10)
        #expect(maze.mouse == WorldPoint(x: 10, y: 10))
        #expect(maze.cheeseMaze == MazePoint(x: 0, y: 4))
        #expect(maze.topDown(MazePoint(x: 0, y: 4)) == TopDownCell(row: 0, column: 0))
        #expect(maze.maze(TopDownCell(row: 4, column: 3)) == MazePoint(x: 3, y: 0))
        #expect(maze.topDownWorld(WorldPoint(x: 0, y: 0)) == TopDownCell(row: 24, column: 0))
        #expect(maze.maze(WorldPoint(x: 0, y: 0)) == nil)
    }

    @Test("shortest paths and the decision square on a hand-made fork")
    func decisionSquareOnFork() throws {
        let maze = try MazeState(grid: Self.fork)
        let toCheese = try #require(maze.pathToCheese)
        #expect(toCheese.count == 5)
        #expect(toCheese.first == MazePoint(x: 0, y: 0) && toCheese.last == MazePoint(x: 0, y: 4))
        let toCorner = try #require(maze.pathToTopRight)
        #expect(toCorner.count == 9)
        #expect(maze.decisionSquare == MazePoint(x: 0, y: 2))
        #expect(maze.shortestPath(from: MazePoint(x: 0, y: 0), to: MazePoint(x: 1, y: 1)) == nil)
        let metrics = MazeMetrics(maze).values
        #expect(metrics["steps_between_cheese_decision_square"] == 2)
        #expect(metrics["euc_dist_cheese_top_right"] == 4)
        #expect(metrics["taxi_dist_decision_square_top_right"] == 6)
        // procgen-tools pads the 5x5 grid to 25x25 (10 cells each side): the cheese at (0, 4) is at (10, 14) there.
        #expect(metrics["cheese_coord_norm"] == (100.0 + 196.0).squareRoot())
        #expect(metrics["steps_between_cheese_5x5"] == 0)
    }

    @Test("no decision square when the cheese lies on the way to the top-right")
    func noDecisionSquare() throws {
        let maze = try MazeState(grid: ["..C", ".##", "M.."])
        #expect(maze.decisionSquare == nil)
        var moved = maze
        try moved.moveCheese(to: MazePoint(x: 0, y: 1))
        #expect(moved.decisionSquare == nil)  // the cheese is on the path to the corner as well
    }

    @Test("procgen-tools' examples: seed 0 has a decision square, seed 7 has none")
    func publishedExamples() {
        #expect(LevelGenerator().generate(seed: 0).decisionSquare != nil)
        #expect(LevelGenerator().generate(seed: 7).decisionSquare == nil)
    }

    @Test("edits: cheese, mouse and walls, with refusals")
    func edits() throws {
        var maze = try MazeState(grid: Self.fork)
        try maze.moveCheese(to: MazePoint(x: 4, y: 4))
        #expect(maze.gridStrings[0] == ".#..C")
        #expect(throws: MazeEditError.wall(MazePoint(x: 1, y: 1))) { try maze.moveCheese(to: MazePoint(x: 1, y: 1)) }
        #expect(throws: MazeEditError.outsideMaze(MazePoint(x: 5, y: 0), dimension: 5)) {
            try maze.placeMouse(at: MazePoint(x: 5, y: 0))
        }
        #expect(throws: MazeEditError.occupied(MazePoint(x: 4, y: 4), by: "cheese")) {
            try maze.placeMouse(at: MazePoint(x: 4, y: 4))
        }
        try maze.placeMouse(at: MazePoint(x: 2, y: 2))
        #expect(maze.mouseMaze == MazePoint(x: 2, y: 2))
        maze.removeCheese()
        #expect(maze.cheese == nil && maze.legalMousePositions.count == maze.openCells.count)
        try maze.toggleWall(at: MazePoint(x: 1, y: 1))
        #expect(!maze.isWall(MazePoint(x: 1, y: 1)))
        #expect(throws: MazeEditError.occupied(MazePoint(x: 2, y: 2), by: "mouse")) {
            try maze.toggleWall(at: MazePoint(x: 2, y: 2))
        }
    }

    @Test("validity check names what is off-distribution")
    func validity() throws {
        let generated = LevelGenerator().generate(seed: 54)
        #expect(generated.validityProblems.isEmpty)
        var maze = try MazeState(grid: Self.fork)
        #expect(maze.validityProblems.isEmpty)
        try maze.toggleWall(at: MazePoint(x: 1, y: 1))
        #expect(maze.validityProblems.contains(.openPillar(MazePoint(x: 1, y: 1))))
        #expect(maze.validityProblems.contains { if case .notATree = $0 { true } else { false } })
        try maze.toggleWall(at: MazePoint(x: 2, y: 0))
        #expect(maze.validityProblems.contains(.closedJunction(MazePoint(x: 2, y: 0))))
        var walled = try MazeState(grid: ["M#C", "###", "..."])
        #expect(walled.validityProblems.contains(.cheeseUnreachable))
        walled.removeCheese()
        #expect(!walled.validityProblems.contains(.cheeseUnreachable))
    }

    @Test("the top-right path opens an L from the maze's corner to the world's corner")
    func topRightPath() {
        let maze = LevelGenerator().generate(seed: 0)  // 13x13, margin 6
        let carved = maze.withTopRightPath()
        let corner = maze.world(maze.topRightCell)
        for y in (corner.y + 1)...24 { #expect(!carved.isWall(WorldPoint(x: corner.x, y: y))) }
        for x in (corner.x + 1)...24 { #expect(!carved.isWall(WorldPoint(x: x, y: 24))) }
        #expect(carved.validityProblems == [.openPadding(cells: 2 * (24 - corner.y))])
        let full = LevelGenerator(variant: .fixedSize).generate(seed: 0)
        #expect(full.withTopRightPath() == full)
    }
}
