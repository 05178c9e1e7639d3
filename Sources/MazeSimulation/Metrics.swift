/// The distances procgen-tools' behavioural statistics use, between the cheese, the decision square,
/// the maze's top-right cell and the top-right 5x5 region (the cheese region the published agents trained on).
///
/// Each follows procgen-tools' `metrics.py` on the inner grid, including two of its choices that differ from
/// what the names suggest (both checked against its own code on the real game):
/// - the four `*_5x5` distances measure to the nearest **open** cell of the top-right 5x5 (its
///   `dist_cheese_nxn` filters out walls), like the two `steps_between_*_5x5`;
/// - `cheese_coord_norm` is the norm of the cheese's (row, column) in the grid padded to procgen's 25x25 world
///   (`outer_grid`, padding `(25 - n) / 2` on every side), not in the maze.
public struct MazeMetrics: Hashable, Sendable {
    /// The side of the world procgen-tools pads every grid to (`maze.WORLD_DIM`).
    public static let paddedWorldDimension = 25

    /// Metric names as procgen-tools' `metrics.metrics` registry spells them, in its order.
    public static let names = [
        "euc_dist_cheese_decision_square", "taxi_dist_cheese_decision_square", "steps_between_cheese_decision_square",
        "steps_between_cheese_top_right", "euc_dist_cheese_top_right", "taxi_dist_cheese_top_right",
        "euc_dist_decision_square_top_right", "taxi_dist_decision_square_top_right",
        "steps_between_decision_square_top_right", "steps_between_cheese_5x5", "steps_between_decision_square_5x5",
        "euc_dist_cheese_5x5", "taxi_dist_cheese_5x5", "euc_dist_decision_square_5x5", "taxi_dist_decision_square_5x5",
        "cheese_coord_norm",
    ]

    /// Each metric by name; nil where it is undefined (no cheese, no decision square, unreachable).
    public let values: [String: Double?]

    public init(_ maze: MazeState, regionSize: Int = 5) {
        let cheese = maze.cheeseMaze
        let decision = maze.decisionSquare
        let corner = maze.topRightCell
        let size = min(regionSize, maze.mazeDimension)
        let region = (maze.mazeDimension - size..<maze.mazeDimension).flatMap { y in
            (maze.mazeDimension - size..<maze.mazeDimension).map { x in MazePoint(x: x, y: y) }
        }
        let openRegion = region.filter { !maze.isWall($0) }  // the cheese's cell counts as open
        func steps(_ a: MazePoint?, _ targets: [MazePoint]) -> Double? {
            guard let a else { return nil }
            let table = maze.distances(from: a)
            return targets.compactMap { table[$0] }.min().map(Double.init)
        }
        func nearest(_ a: MazePoint?, _ targets: [MazePoint], _ metric: (MazePoint, MazePoint) -> Double) -> Double? {
            guard let a else { return nil }
            return targets.map { metric(a, $0) }.min()
        }
        let euclid = MazeMetrics.euclideanDistance, taxi = MazeMetrics.taxicabDistance
        var v: [String: Double?] = [:]
        v["euc_dist_cheese_decision_square"] = decision.flatMap { d in nearest(cheese, [d], euclid) }
        v["taxi_dist_cheese_decision_square"] = decision.flatMap { d in nearest(cheese, [d], taxi) }
        v["steps_between_cheese_decision_square"] = decision.flatMap { d in steps(cheese, [d]) }
        v["steps_between_cheese_top_right"] = steps(cheese, [corner])
        v["euc_dist_cheese_top_right"] = nearest(cheese, [corner], euclid)
        v["taxi_dist_cheese_top_right"] = nearest(cheese, [corner], taxi)
        v["euc_dist_decision_square_top_right"] = nearest(decision, [corner], euclid)
        v["taxi_dist_decision_square_top_right"] = nearest(decision, [corner], taxi)
        v["steps_between_decision_square_top_right"] = steps(decision, [corner])
        v["steps_between_cheese_5x5"] = steps(cheese, openRegion)
        v["steps_between_decision_square_5x5"] = steps(decision, openRegion)
        v["euc_dist_cheese_5x5"] = nearest(cheese, openRegion, euclid)
        v["taxi_dist_cheese_5x5"] = nearest(cheese, openRegion, taxi)
        v["euc_dist_decision_square_5x5"] = nearest(decision, openRegion, euclid)
        v["taxi_dist_decision_square_5x5"] = nearest(decision, openRegion, taxi)
        let padding = (Self.paddedWorldDimension - maze.mazeDimension) / 2
        v["cheese_coord_norm"] = cheese.map { euclid(MazePoint(x: $0.x + padding, y: $0.y + padding), MazePoint(x: 0, y: 0)) }
        values = v
    }

    /// Straight-line distance between cell centres.
    public static func euclideanDistance(_ a: MazePoint, _ b: MazePoint) -> Double {
        let dx = Double(a.x - b.x), dy = Double(a.y - b.y)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// |dx| + |dy|.
    public static func taxicabDistance(_ a: MazePoint, _ b: MazePoint) -> Double {
        Double(abs(a.x - b.x) + abs(a.y - b.y))
    }
}
