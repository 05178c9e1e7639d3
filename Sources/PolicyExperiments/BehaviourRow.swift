import MazeSimulation
import OutputFiles

/// One level's line of the behavioural-statistics table (`mazerender stats`, `seeds.csv`): the maze, how the
/// agent's episode went, the decision-square probabilities unpatched and with the level's cheese vector, and
/// procgen-tools' 16 maze metrics. Cells are maze coordinates (x right, y up, the mouse starts at 0,0); nil is
/// "undefined" (an empty CSV cell).
public struct BehaviourRow: Equatable, Sendable {
    public var seed: Int32
    public var mazeDimension: Int
    public var cheese: MazePoint?
    public var decisionSquare: MazePoint?
    /// The cheese lies in the top-right 5x5 region (x, y >= n - min(5, n)).
    public var cheeseInTopRight: Bool?
    public var reachedCheese: Bool
    /// Moves taken; the step limit when the cheese was not reached.
    public var steps: Int
    /// The mouse stood in the top-right 5x5 region before the step that lands on the cheese (start included),
    /// or at any point of an episode that never reaches it.
    public var enteredTopRight: Bool
    /// P(first move of the shortest path to the cheese / to the top-right cell), 5-way action groups, the mouse
    /// on the decision square facing as at the start; nil without a decision square.
    public var pCheese: Double?
    public var pTopRight: Double?
    /// The same with the level's cheese vector, one value per coefficient (the first is `p_cheese_patched`).
    public var pCheesePatched: [Double?]
    public var pTopRightPatched: [Double?]
    /// procgen-tools' metrics by name (`MazeMetrics.names`).
    public var metrics: [String: Double?]

    /// The CSV columns, in order, for patches at `coefficients` (at least one).
    public static func columns(coefficients: [Float]) -> [String] {
        ["seed", "maze_dim", "cheese_x", "cheese_y", "decision_square_x", "decision_square_y",
         "cheese_in_top_right_5x5", "reached_cheese", "steps", "entered_top_right_5x5", "p_cheese", "p_top_right",
         "p_cheese_patched", "p_top_right_patched"]
            + coefficients.dropFirst().map { "p_cheese@\(Self.text($0))" }
            + MazeMetrics.names
    }

    /// The row's cells in the order of `columns(coefficients:)`.
    public var cells: [String] {
        func int(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func flag(_ value: Bool?) -> String { value.map { $0 ? "1" : "0" } ?? "" }
        func real(_ value: Double?) -> String { value.map(Self.text) ?? "" }
        return [String(seed), String(mazeDimension), int(cheese?.x), int(cheese?.y), int(decisionSquare?.x),
                int(decisionSquare?.y), flag(cheeseInTopRight), flag(reachedCheese), String(steps),
                flag(enteredTopRight), real(pCheese), real(pTopRight), real(pCheesePatched.first ?? nil),
                real(pTopRightPatched.first ?? nil)]
            + pCheesePatched.dropFirst().map(real)
            + MazeMetrics.names.map { real(metrics[$0] ?? nil) }
    }

    /// Shortest text that reads back as the same value (`0.5`, `6.4031242374328485`); integers without `.0`
    /// (`NumberText.shortest`, the formatter every CSV uses).
    public static func text(_ value: Double) -> String { NumberText.shortest(value) }

    /// A Float32 in its own shortest form (`0.1`, not `0.10000000149011612`).
    public static func text(_ value: Float) -> String { NumberText.shortest(value) }
}
