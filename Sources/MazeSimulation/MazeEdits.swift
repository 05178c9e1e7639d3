
/// Edits a command applies to every maze before using it (`--mouse`, `--cheese`, `--no-cheese`, `--facing`),
/// all in maze coordinates (x right, y up, the start cell at (0, 0)).
public struct MazeEdits: Hashable, Sendable {
    public var mouse: MazePoint?
    public var cheese: MazePoint?
    public var removeCheese: Bool
    public var facing: Facing?

    public init(mouse: MazePoint? = nil, cheese: MazePoint? = nil, removeCheese: Bool = false, facing: Facing? = nil) {
        self.mouse = mouse
        self.cheese = cheese
        self.removeCheese = removeCheese
        self.facing = facing
    }

    public var isEmpty: Bool { mouse == nil && cheese == nil && !removeCheese && facing == nil }

    /// Applies the edits in the order: cheese removal or move, then the mouse, then facing.
    /// - Throws: `MazeEditsError` naming the seed and the refused cell.
    public func apply(to maze: inout MazeState) throws(MazeEditsError) {
        let seed = maze.levelSeed.map { "seed \($0)" } ?? "maze"
        do {
            if removeCheese { maze.removeCheese() }
            if let cheese {
                // Moving the cheese onto the mouse's start is allowed when the mouse moves away in the same edit.
                if let mouse, maze.world(cheese) == maze.mouse, mouse != cheese { try maze.placeMouse(at: mouse) }
                try maze.moveCheese(to: cheese)
            }
            if let mouse { try maze.placeMouse(at: mouse) }
        } catch {
            throw MazeEditsError(description: "\(seed): \(error)")
        }
        if let facing { maze.facing = facing }
    }
}

/// Parses `X,Y` maze coordinates as the `--mouse` and `--cheese` options write them.
public func parseMazePoint(_ text: String) throws(MazeEditsError) -> MazePoint {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]) else {
        throw MazeEditsError(description: "'\(text)' is not a cell; write maze coordinates X,Y such as 3,4 (x right, y up)")
    }
    return MazePoint(x: x, y: y)
}

/// An edit set a maze refuses (`MazeEditError` prefixed with the level's seed) or a cell that does not parse; one
/// line naming the seed and the cell.
public struct MazeEditsError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
