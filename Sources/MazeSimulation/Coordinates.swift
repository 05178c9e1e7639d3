/// A cell of the whole world grid in procgen's own convention: x to the right, **y up**
/// (y = 0 is the bottom row of the image). Valid range `0..<worldDimension` on both axes.
public struct WorldPoint: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
    public var description: String { "world(\(x),\(y))" }
}

/// A cell of the maze proper: world minus the margin, x to the right, **y up**.
/// The mouse always starts at maze (0, 0), the bottom-left corner on screen.
public struct MazePoint: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
    public var description: String { "maze(\(x),\(y))" }

    /// The four neighbours in the order left, down, up, right.
    public var neighbours: [MazePoint] {
        [MazePoint(x: x - 1, y: y), MazePoint(x: x, y: y - 1), MazePoint(x: x, y: y + 1), MazePoint(x: x + 1, y: y)]
    }
}

/// A cell addressed like an image or procgen-tools' printed grid: `row` 0 is the **top** row, `column` 0 the left.
/// Used by the reference's `*_rc` fields and by the `grid` strings (`grid[row]`).
public struct TopDownCell: Hashable, Sendable, Codable, CustomStringConvertible {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) { self.row = row; self.column = column }
    public var description: String { "row \(row), column \(column)" }
}

/// Which way the mouse sprite looks. procgen's `is_reflected` is `true` for `.right`.
public enum Facing: String, Sendable, Codable, CaseIterable {
    case left, right
}

/// procgen's distribution modes that `maze` supports.
public enum DistributionMode: String, Sendable, Codable, CaseIterable {
    case hard, easy

    /// Side of the square world grid: 25 in hard mode, 15 in easy mode.
    public var worldDimension: Int { self == .hard ? 25 : 15 }
}
