import ImpalaPolicy
import MazeSimulation

/// The value head with the mouse on every legal cell of one maze (procgen-tools' `value_fn.py`): all open
/// cells except the cheese's, the start included, in maze coordinates (x right, y up).
public struct ValueMap: Sendable {
    /// The maze the map was computed on (its mouse position is irrelevant).
    public let maze: MazeState
    /// Legal mouse positions, bottom row first (as `VectorField.positions`).
    public let positions: [MazePoint]
    /// The value head's output at each position.
    public let values: [Float]

    /// One observation per legal position, forward passes in the evaluator's batches, `edits` applied in each.
    public init(maze: MazeState, evaluator: PolicyEvaluator, edits: [ActivationEdit] = []) throws {
        self.init(field: try VectorField(maze: maze, evaluator: evaluator, edits: edits))
    }

    /// The values a vector field's forward passes already hold.
    public init(field: VectorField) {
        maze = field.maze
        positions = field.positions
        values = field.distributions.map(\.value)
    }

    /// The value at `cell`, nil when it is not a legal position.
    public func value(at cell: MazePoint) -> Float? {
        positions.firstIndex(of: cell).map { values[$0] }
    }
}
