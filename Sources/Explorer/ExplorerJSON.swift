import ImpalaPolicy
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import Tensors

/// The API's JSON bodies other than the vector field (which is `VectorFieldData`'s, as the CLI writes it).
enum ExplorerJSON {
    private static func cell(_ point: MazePoint?) -> JSONValue { point.map { .pair($0.x, $0.y) } ?? .null }
    private static func cells(_ points: [MazePoint]?) -> JSONValue { points.map { .array($0.map { .pair($0.x, $0.y) }) } ?? .null }

    /// `/api/maze`: `{"seed", "mode", "variant", "maze_dim", "grid": [rows, top first; # wall, . open, M mouse,
    /// C cheese], "mouse", "cheese", "original_cheese", "decision_square", "top_right", "paths": {"cheese",
    /// "top_right"} (shortest, from the mouse), "validity_problems": [text], "on_distribution"}`.
    static func maze(_ maze: MazeState, query: MazeQuery) -> JSONValue {
        let generated = query.generator.generator.generate(seed: query.seed)
        let problems = maze.validityProblems
        return .object([
            ("seed", .int(Int(query.seed))),
            ("mode", .string(query.generator.mode.rawValue)),
            ("variant", .string(query.variantName)),
            ("maze_dim", .int(maze.mazeDimension)),
            ("grid", .array(maze.gridStrings.map { .string($0) })),
            ("mouse", cell(maze.mouseMaze)),
            ("cheese", cell(maze.cheeseMaze)),
            ("original_cheese", cell(generated.cheeseMaze)),
            ("decision_square", cell(maze.decisionSquare)),
            ("top_right", cell(maze.topRightCell)),
            ("paths", .object([
                ("cheese", cells(maze.cheeseMaze.flatMap { maze.shortestPath(from: maze.mouseMaze, to: $0) })),
                ("top_right", cells(maze.shortestPath(from: maze.mouseMaze, to: maze.topRightCell))),
            ])),
            ("validity_problems", .array(problems.map { .string($0.description) })),
            ("on_distribution", .bool(problems.isEmpty)),
        ])
    }

    /// `/api/readings`: PolicyAnalysis' readings of the field(s): `{"seed", "patches", "original": R, "patched": R
    /// or null, "mean_total_variation": the diff's mean change (0...1) or null}`, R = `{"path_probabilities":
    /// [{"x", "y", "p"}] (geometric mean along the shortest path from (0, 0); cells without one left out),
    /// "most_probable_path": [[x, y], ...], "decision_square": {"square", "toward_cheese", "toward_top_right"} or null}`.
    static func readings(original: VectorField, patched: VectorField?, seed: Int32, patches: [String]) -> JSONValue {
        func reading(_ field: VectorField) -> JSONValue {
            let probabilities = zip(field.positions, field.pathProbabilities).compactMap { cell, p -> JSONValue? in
                p.map { .object([("x", .int(cell.x)), ("y", .int(cell.y)), ("p", .double($0))]) }
            }
            let square = field.decisionSquareProbabilities.map { d -> JSONValue in
                .object([("square", cell(d.square)), ("toward_cheese", .float(d.towardCheese)),
                         ("toward_top_right", .float(d.towardTopRight))])
            }
            return .object([("path_probabilities", .array(probabilities)),
                            ("most_probable_path", cells(field.mostProbablePath())),
                            ("decision_square", square ?? .null)])
        }
        return .object([
            ("seed", .int(Int(seed))), ("patches", .array(patches.map { .string($0) })),
            ("original", reading(original)), ("patched", patched.map(reading) ?? .null),
            ("mean_total_variation", patched.map { .double(VectorFieldDiff(patched: $0, original: original).meanTotalVariation) } ?? .null),
        ])
    }

    /// `/api/activations`: `{"seed", "layer", "patches", "shape", "abs_max" (over the whole layer, the posts'
    /// colour range), "channels": [indices] or null for a flat layer, "values": [[H*W floats, row 0 at the top]
    /// per channel] or [[F floats]]}`.
    static func activations(_ values: Tensor, label: String, channels requested: [Int]?, seed: Int32,
                            patches: [String]) throws -> JSONValue {
        let shape = values.shape
        let scalars = values.scalars
        let absMax = scalars.reduce(Float(0)) { max($0, abs($1)) }
        var rows: [JSONValue] = []
        var channelList: JSONValue = .null
        if shape.count == 3 {
            let plane = shape[1] * shape[2]
            let channels = requested ?? Array(0..<shape[0])
            for (index, channel) in channels.enumerated() where !(0..<shape[0]).contains(channel) {
                throw ExplorerRequestError(field: "channels[\(index)]", "channel \(channel) does not exist at \(label), which has 0 ... \(shape[0] - 1)")
            }
            rows = channels.map { .floats(scalars[($0 * plane)..<(($0 + 1) * plane)]) }
            channelList = .array(channels.map { .int($0) })
        } else {
            if requested != nil { throw ExplorerRequestError(field: "channels", "\(label) is a flat layer (shape \(shape)); omit channels") }
            rows = [.floats(scalars)]
        }
        return .object([
            ("seed", .int(Int(seed))), ("layer", .string(label)), ("patches", .array(patches.map { .string($0) })),
            ("shape", .array(shape.map { .int($0) })), ("abs_max", .float(absMax)),
            ("channels", channelList), ("values", .array(rows)),
        ])
    }

    /// `/api/rollout`: `{"seed", "patches", "rollouts": [{"variant": "original" | "patched", "ending": "cheese" |
    /// "timeout" | "step_limit", "path": [[x, y], ... the start and every position after a step], "actions":
    /// [procgen combo names], "probs": [[left, down, up, right, noop] per step]}]}`.
    static func rollouts(_ rollouts: [Rollout], seed: Int32, patches: [String]) -> JSONValue {
        .object([
            ("seed", .int(Int(seed))), ("patches", .array(patches.map { .string($0) })),
            ("rollouts", .array(rollouts.map { rollout in
                .object([
                    ("variant", .string(rollout.variant)),
                    ("ending", .string(rollout.ending.rawValue)),
                    ("path", cells(rollout.steps.map(\.state.mouseMaze) + [rollout.finalState.mouseMaze])),
                    ("actions", .array(rollout.steps.map { .string($0.action.comboName) })),
                    ("probs", .array(rollout.steps.map { .floats($0.distribution.groups) })),
                ])
            })),
        ])
    }
}
