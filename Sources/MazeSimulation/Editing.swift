/// Why an edit was refused.
public enum MazeEditError: Error, Equatable, CustomStringConvertible {
    case outsideMaze(MazePoint, dimension: Int)
    case wall(MazePoint)
    case occupied(MazePoint, by: String)

    public var description: String {
        switch self {
        case .outsideMaze(let point, let dimension):
            "\(point) is outside the \(dimension)x\(dimension) maze; use 0...\(dimension - 1) on both axes"
        case .wall(let point):
            "\(point) is a wall; choose an open cell"
        case .occupied(let point, let what):
            "\(point) holds the \(what); choose another cell"
        }
    }
}

extension MazeState {
    private func requireInside(_ point: MazePoint) throws(MazeEditError) {
        guard containsMaze(point) else { throw .outsideMaze(point, dimension: mazeDimension) }
    }

    /// Puts the cheese on an open maze cell (it may not share the mouse's cell).
    public mutating func moveCheese(to point: MazePoint) throws(MazeEditError) {
        try requireInside(point)
        guard !isWall(point) else { throw .wall(point) }
        guard world(point) != mouse else { throw .occupied(point, by: "mouse") }
        cheese = world(point)
    }

    /// Takes the cheese out of the maze.
    public mutating func removeCheese() {
        cheese = nil
    }

    /// Places the mouse on an open maze cell (not the cheese's); facing is kept.
    public mutating func placeMouse(at point: MazePoint) throws(MazeEditError) {
        try requireInside(point)
        guard !isWall(point) else { throw .wall(point) }
        guard world(point) != cheese else { throw .occupied(point, by: "cheese") }
        mouse = world(point)
    }

    /// Turns a wall into an open cell or an open cell into a wall. The mouse's and cheese's cells can't
    /// become walls.
    public mutating func toggleWall(at point: MazePoint) throws(MazeEditError) {
        try requireInside(point)
        let cell = world(point)
        if !isWall(cell) {
            if cell == mouse { throw .occupied(point, by: "mouse") }
            if cell == cheese { throw .occupied(point, by: "cheese") }
        }
        setWall(cell, !isWall(cell))
    }

    /// Sets one maze cell to wall or open (same rules as `toggleWall`).
    public mutating func setWall(at point: MazePoint, to wall: Bool) throws(MazeEditError) {
        if isWall(point) != wall { try toggleWall(at: point) }
    }

    /// procgen-tools' "top-right path": an L-shaped corridor from the maze's top-right cell straight up
    /// through the padding to the world's top row, then right along it to the world's top-right cell.
    /// A maze without padding is returned unchanged.
    public func withTopRightPath() -> MazeState {
        var result = self
        let corner = world(MazePoint(x: mazeDimension - 1, y: mazeDimension - 1))
        let top = worldDimension - 1
        guard corner.y < top else { return result }
        for y in (corner.y + 1)...top { result.setWall(WorldPoint(x: corner.x, y: y), false) }
        for x in (corner.x + 1)...top { result.setWall(WorldPoint(x: x, y: top), false) }
        return result
    }
}

/// Ways in which a maze differs from what procgen's generator can produce.
public enum MazeValidityProblem: Hashable, Sendable, CustomStringConvertible {
    /// A cell with both coordinates even is a wall (the generator always opens them).
    case closedJunction(MazePoint)
    /// A cell with both coordinates odd is open (the generator never opens them).
    case openPillar(MazePoint)
    /// The open cells contain a loop: `open` cells but `edges` passages (a tree has open − 1).
    case notATree(openCells: Int, edges: Int)
    /// Some open cells can't be reached from the mouse.
    case disconnected(unreachable: Int)
    /// The cheese can't be reached from the mouse.
    case cheeseUnreachable
    /// Open cells outside the maze proper (e.g. a carved top-right path).
    case openPadding(cells: Int)

    public var description: String {
        switch self {
        case .closedJunction(let p): "\(p) has even coordinates but is a wall"
        case .openPillar(let p): "\(p) has odd coordinates but is open"
        case .notATree(let open, let edges): "the open cells form loops (\(open) cells, \(edges) passages; a tree has \(open - 1))"
        case .disconnected(let count): "\(count) open cells can't be reached from the mouse"
        case .cheeseUnreachable: "the cheese can't be reached from the mouse"
        case .openPadding(let count): "\(count) open cells lie outside the maze proper"
        }
    }
}

extension MazeState {
    /// Everything that makes this maze one procgen would never generate; empty for an on-distribution maze.
    public var validityProblems: [MazeValidityProblem] {
        var problems: [MazeValidityProblem] = []
        var openCount = 0, edges = 0
        for y in 0..<mazeDimension {
            for x in 0..<mazeDimension {
                let point = MazePoint(x: x, y: y)
                let open = !isWall(point)
                if x % 2 == 0 && y % 2 == 0 && !open { problems.append(.closedJunction(point)) }
                if x % 2 == 1 && y % 2 == 1 && open { problems.append(.openPillar(point)) }
                guard open else { continue }
                openCount += 1
                if !isWall(MazePoint(x: x + 1, y: y)) { edges += 1 }
                if !isWall(MazePoint(x: x, y: y + 1)) { edges += 1 }
            }
        }
        if edges != openCount - 1 { problems.append(.notATree(openCells: openCount, edges: edges)) }
        let reachable = distances(from: mouseMaze)
        let unreachable = openCells.filter { reachable[$0] == nil }.count
        if unreachable > 0 { problems.append(.disconnected(unreachable: unreachable)) }
        if let cheeseCell = cheeseMaze, reachable[cheeseCell] == nil { problems.append(.cheeseUnreachable) }
        var paddingOpen = 0
        for y in 0..<worldDimension {
            for x in 0..<worldDimension where maze(WorldPoint(x: x, y: y)) == nil && !isWall(WorldPoint(x: x, y: y)) {
                paddingOpen += 1
            }
        }
        if paddingOpen > 0 { problems.append(.openPadding(cells: paddingOpen)) }
        return problems
    }

    /// Whether procgen could have generated this layout.
    public var isOnDistribution: Bool { validityProblems.isEmpty }
}
