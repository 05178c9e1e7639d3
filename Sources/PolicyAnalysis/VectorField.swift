import ImpalaPolicy
import MazeSimulation

/// The policy's action probabilities with the mouse on every legal cell of one maze (procgen-tools'
/// `vector_field`): all open cells except the cheese's, the start included.
public struct VectorField: Sendable {
    /// The maze the field was computed on (its mouse position is irrelevant).
    public let maze: MazeState
    /// Legal mouse positions in maze coordinates, bottom row first.
    public let positions: [MazePoint]
    /// The policy's output at each position.
    public let distributions: [ActionDistribution]
    private let indexByPosition: [MazePoint: Int]

    /// One observation per legal position, forward passes in batches, `edits` applied in each.
    public init(maze: MazeState, evaluator: PolicyEvaluator, edits: [ActivationEdit] = []) throws {
        let positions = maze.legalMousePositions
        self.init(maze: maze, positions: positions,
                  distributions: try evaluator.evaluate(maze, mouseCells: positions, edits: edits))
    }

    /// One field per variant (each a list of edits; `[]` is the unpatched policy) on the same observations,
    /// computed together (`PolicyEvaluator.evaluate(_:mouseCells:variants:)`): an original and a patched field,
    /// or a sweep over a patch's coefficient.
    public static func variants(maze: MazeState, evaluator: PolicyEvaluator, variants: [[ActivationEdit]]) throws -> [VectorField] {
        let positions = maze.legalMousePositions
        return try evaluator.evaluate(maze, mouseCells: positions, variants: variants).map {
            VectorField(maze: maze, positions: positions, distributions: $0)
        }
    }

    public init(maze: MazeState, positions: [MazePoint], distributions: [ActionDistribution]) {
        precondition(positions.count == distributions.count, "one distribution per position")
        self.maze = maze
        self.positions = positions
        self.distributions = distributions
        indexByPosition = Dictionary(uniqueKeysWithValues: positions.enumerated().map { ($1, $0) })
    }

    /// The net arrow at position `index`: `(P(right) − P(left), P(up) − P(down))`, y up; NOOP is dropped.
    public func netArrow(at index: Int) -> (dx: Float, dy: Float) {
        let g = distributions[index].groups
        return (g[3] - g[0], g[2] - g[1])
    }

    /// The four component arrows at `index` (left, down, up, right), each of length equal to its probability.
    public func componentArrows(at index: Int) -> [(dx: Float, dy: Float)] {
        let g = distributions[index].groups
        return [(-g[0], 0), (0, -g[1]), (0, g[2]), (g[3], 0)]
    }

    /// Index of a maze cell among `positions`, nil when it is not a legal position.
    public func index(of cell: MazePoint) -> Int? {
        indexByPosition[cell]
    }

    /// The probability at `cell` of stepping into the neighbouring cell `next` (the group whose move goes there).
    public func probability(at cell: MazePoint, toward next: MazePoint) -> Float? {
        guard let index = index(of: cell), let group = VectorField.group(from: cell, to: next) else { return nil }
        return distributions[index].probability(of: group)
    }

    /// The action group that moves from `cell` to the adjacent `next`.
    public static func group(from cell: MazePoint, to next: MazePoint) -> ActionGroup? {
        switch (next.x - cell.x, next.y - cell.y) {
        case (-1, 0): .left
        case (1, 0): .right
        case (0, 1): .up
        case (0, -1): .down
        default: nil
        }
    }
}

/// Patched minus original, per shared position (procgen-tools' `get_vf_diff`: when one maze has cheese and
/// the other not, the cheese cell is dropped).
public struct VectorFieldDiff: Sendable {
    public let maze: MazeState
    public let positions: [MazePoint]
    /// Per position, patched minus original group probabilities (LEFT, DOWN, UP, RIGHT, NOOP).
    public let deltas: [[Float]]

    public init(patched: VectorField, original: VectorField) {
        var positions: [MazePoint] = []
        var deltas: [[Float]] = []
        for (index, cell) in original.positions.enumerated() {
            guard let other = patched.index(of: cell) else { continue }
            positions.append(cell)
            deltas.append(zip(patched.distributions[other].groups, original.distributions[index].groups).map { $0 - $1 })
        }
        self.maze = original.maze
        self.positions = positions
        self.deltas = deltas
    }

    /// The net diff arrow at `index` (same convention as `VectorField.netArrow`).
    public func netArrow(at index: Int) -> (dx: Float, dy: Float) {
        let d = deltas[index]
        return (d[3] - d[0], d[2] - d[1])
    }

    /// procgen-tools' `vf_diff_magnitude`: the Frobenius norm of the component-arrow differences divided by the
    /// number of positions.
    public var magnitude: Double {
        guard !positions.isEmpty else { return 0 }
        var sum = 0.0
        for d in deltas {
            // Component arrows are p_a · direction_a for LEFT, DOWN, UP, RIGHT (NOOP has no arrow).
            for k in 0..<4 { sum += Double(d[k]) * Double(d[k]) }
        }
        return sum.squareRoot() / Double(positions.count)
    }

    /// Mean total-variation distance between the patched and original 5-way distributions: half the mean L1
    /// change, "the average change in action probability".
    public var meanTotalVariation: Double {
        guard !positions.isEmpty else { return 0 }
        let total = deltas.reduce(0.0) { $0 + 0.5 * $1.reduce(0.0) { $0 + Double(abs($1)) } }
        return total / Double(positions.count)
    }
}
