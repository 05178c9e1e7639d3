import MazeSimulation
import OutputFiles

/// `mazerender maze`: level layouts as JSON lines (the reference's field names) or as terminal drawings.
public enum MazeListing {
    public enum Format: String, CaseIterable, Sendable {
        case jsonl, text
    }

    /// One JSON object describing a maze, with the reference's field names and conventions
    /// (maze coordinates y up; `grid` top row first), and procgen-tools' 16 metrics under `metrics`.
    public static func json(for maze: MazeState, variant: LevelVariant) -> JSONValue {
        let mouse = maze.mouseMaze
        var members: [(String, JSONValue)] = [
            ("seed", maze.levelSeed.map { .int(Int($0)) } ?? .null),
            ("mode", .string(maze.mode.rawValue)),
            ("variant", .string(variant.description)),
            ("maze_dim", .int(maze.mazeDimension)),
            ("world_dim", .int(maze.worldDimension)),
            ("margin", .int(maze.margin)),
            ("background_index", .int(maze.backgroundIndex)),
            ("mouse_maze", .pair(mouse.x, mouse.y)),
            ("cheese_maze", maze.cheeseMaze.map { .pair($0.x, $0.y) } ?? .null),
        ]
        members.append(("decision_square", maze.decisionSquare.map { .pair($0.x, $0.y) } ?? .null))
        members.append(("grid", .array(maze.gridStrings.map { .string($0) })))
        members.append(("metrics", metrics(for: maze)))
        return .object(members)
    }

    /// procgen-tools' 16 maze metrics (`MazeMetrics`), by name in its registry's order; null where one is undefined
    /// (no cheese, no decision square). Step counts are integers, distances doubles, as procgen-tools writes them.
    public static func metrics(for maze: MazeState) -> JSONValue {
        let values = MazeMetrics(maze).values
        return .object(MazeMetrics.names.map { name in
            guard let value = values[name] ?? nil else { return (name, .null) }
            if name.hasPrefix("steps_between"), value == value.rounded(), abs(value) < 1e15 { return (name, .int(Int(value))) }
            return (name, .double(value))
        })
    }

    /// A terminal drawing: two characters per cell so the maze looks square; walls `██`, mouse `M`, cheese `C`,
    /// the decision square `+`.
    public static func text(for maze: MazeState, variant: LevelVariant) -> String {
        let seed = maze.levelSeed.map { String($0) } ?? "custom"
        var lines = ["seed \(seed) (\(maze.mode.rawValue), \(variant)): \(maze.mazeDimension)x\(maze.mazeDimension), background \(maze.backgroundIndex)"]
        let decision = maze.decisionSquare
        let border = String(repeating: "██", count: maze.mazeDimension + 2)
        lines.append(border)
        for row in 0..<maze.mazeDimension {
            var line = "██"
            for column in 0..<maze.mazeDimension {
                let point = maze.maze(TopDownCell(row: row, column: column))
                if point == maze.mouseMaze { line += "M " } else if point == maze.cheeseMaze { line += "C " } else if point == decision {
                    line += "+ "
                } else {
                    line += maze.isWall(point) ? "██" : "  "
                }
            }
            lines.append(line + "██")
        }
        lines.append(border)
        return lines.joined(separator: "\n")
    }
}
