extension MazeState {
    /// Step distances from `start` to every reachable open maze cell (breadth-first search).
    /// - Complexity: O(open cells).
    public func distances(from start: MazePoint) -> [MazePoint: Int] {
        guard containsMaze(start), !isWall(start) else { return [:] }
        var result: [MazePoint: Int] = [start: 0]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for next in current.neighbours where containsMaze(next) && !isWall(next) && result[next] == nil {
                result[next] = result[current]! + 1
                queue.append(next)
            }
        }
        return result
    }

    /// A shortest path from `start` to `goal`, both included; nil when either is a wall or they are not
    /// connected. Ties are broken by exploring neighbours in the order left, down, up, right.
    public func shortestPath(from start: MazePoint, to goal: MazePoint) -> [MazePoint]? {
        guard containsMaze(start), containsMaze(goal), !isWall(start), !isWall(goal) else { return nil }
        var previous: [MazePoint: MazePoint] = [:]
        var seen: Set<MazePoint> = [start]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            if current == goal { break }
            for next in current.neighbours where containsMaze(next) && !isWall(next) && !seen.contains(next) {
                seen.insert(next)
                previous[next] = current
                queue.append(next)
            }
        }
        guard seen.contains(goal) else { return nil }
        var path = [goal]
        while let step = previous[path[path.count - 1]] { path.append(step) }
        return path.reversed()
    }

    /// The maze's top-right cell, (n-1, n-1) in maze coordinates (always open in generated mazes).
    public var topRightCell: MazePoint { MazePoint(x: mazeDimension - 1, y: mazeDimension - 1) }

    /// Shortest path from the maze's start cell (0, 0) to the cheese.
    public var pathToCheese: [MazePoint]? {
        cheeseMaze.flatMap { shortestPath(from: MazePoint(x: 0, y: 0), to: $0) }
    }

    /// Shortest path from the maze's start cell (0, 0) to the top-right cell.
    public var pathToTopRight: [MazePoint]? {
        shortestPath(from: MazePoint(x: 0, y: 0), to: topRightCell)
    }

    /// The decision square: the last cell the paths from (0, 0) to the cheese and to the top-right share
    /// before they part. nil when either path is missing or one path contains the other (the cheese on the
    /// way to the top-right, or the top-right on the way to the cheese).
    public var decisionSquare: MazePoint? {
        guard let toCheese = pathToCheese, let toCorner = pathToTopRight else { return nil }
        var shared = 0
        while shared < toCheese.count, shared < toCorner.count, toCheese[shared] == toCorner[shared] { shared += 1 }
        guard shared < toCheese.count, shared < toCorner.count else { return nil }
        return toCheese[shared - 1]
    }
}
