import Foundation
import ImpalaPolicy
import MazeSimulation

/// Path-based readings of a vector field: path probabilities, the most probable path and the
/// decision-square probabilities the posts report.
extension VectorField {
    /// Geometric mean, along the shortest path from the start (0, 0) to `target`, of the probability of the
    /// step that follows the path (procgen-tools' `vf_heatmap`). 1 at the start itself; nil when the path is
    /// missing or passes a cell without a distribution (the cheese's).
    public func pathProbability(to target: MazePoint) -> Double? {
        guard let path = maze.shortestPath(from: MazePoint(x: 0, y: 0), to: target) else { return nil }
        guard path.count > 1 else { return 1 }
        var logSum = 0.0
        for (cell, next) in zip(path, path.dropFirst()) {
            guard let p = probability(at: cell, toward: next) else { return nil }
            logSum += log(Double(p))
        }
        return exp(logSum / Double(path.count - 1))
    }

    /// Path probability of every legal position (the heat map overlay), in `positions` order.
    public var pathProbabilities: [Double?] {
        positions.map { pathProbability(to: $0) }
    }

    /// Follows each tile's most probable move (among LEFT, DOWN, UP, RIGHT) from the start until the path
    /// reaches the cheese, leaves the legal cells, hits a wall, revisits a cell, or takes `limit` steps.
    public func mostProbablePath(limit: Int = 500) -> [MazePoint] {
        var path = [MazePoint(x: 0, y: 0)]
        var seen: Set<MazePoint> = [path[0]]
        while path.count <= limit, let index = index(of: path[path.count - 1]) {
            let g = distributions[index].groups
            let moves: [(Float, MazePoint)] = [
                (g[0], MazePoint(x: -1, y: 0)), (g[1], MazePoint(x: 0, y: -1)),
                (g[2], MazePoint(x: 0, y: 1)), (g[3], MazePoint(x: 1, y: 0)),
            ]
            var best = moves[0]
            for move in moves.dropFirst() where move.0 > best.0 { best = move }
            let here = path[path.count - 1]
            let next = MazePoint(x: here.x + best.1.x, y: here.y + best.1.y)
            if maze.isWall(next) || seen.contains(next) { break }
            path.append(next)
            seen.insert(next)
            if next == maze.cheeseMaze { break }
        }
        return path
    }

    /// At the decision square: the probability of the first step toward the cheese, toward the top-right cell,
    /// and of anything else. nil when the maze has no decision square.
    public var decisionSquareProbabilities: DecisionSquareProbabilities? {
        guard let square = maze.decisionSquare, let toCheese = maze.pathToCheese, let toCorner = maze.pathToTopRight,
              let at = toCheese.firstIndex(of: square), let atCorner = toCorner.firstIndex(of: square),
              at + 1 < toCheese.count, atCorner + 1 < toCorner.count,
              let cheese = probability(at: square, toward: toCheese[at + 1]),
              let corner = probability(at: square, toward: toCorner[atCorner + 1])
        else { return nil }
        return DecisionSquareProbabilities(square: square, towardCheese: cheese, towardTopRight: corner)
    }
}

/// The three outcomes the decision-square statistics classify.
public struct DecisionSquareProbabilities: Hashable, Sendable {
    public let square: MazePoint
    public let towardCheese: Float
    public let towardTopRight: Float
    public var other: Float { max(0, 1 - towardCheese - towardTopRight) }
}
