import ImpalaPolicy
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis

/// The numbers behind a vector field, as `vfield` and `vfield-diff` write them (`--out F.json`, `--data F.json`):
///
///     {"seed": 0, "maze_dim": 13, "model": "ckpt.pth", "patches": [], "cheese": [x, y] | null,
///      "decision_square": [x, y] | null, "cells": [
///       {"x": 0, "y": 0, "probs": {"left": p, "down": p, "up": p, "right": p, "noop": p}, "logits": [15 numbers]},
///       ...]}
///
/// One cell per legal mouse position (every open cell but the cheese's), bottom row first, in maze coordinates
/// (x right, y up, the start at 0,0). `probs` sums procgen's action groups; `logits` are the 15 raw outputs.
/// For a diff, `probs`/`logits` are the original network's and each cell adds `"patched": {"probs", "logits"}`.
/// Cheese and decision square are those of the edited maze. Floats are written in their shortest form that
/// reads back to the same Float32.
public struct VectorFieldData: Sendable {
    public let seed: Int32
    public let maze: MazeState
    public let model: String?
    public let patches: [String]
    /// The field drawn by `vfield` (patched when it has patches); for a diff, the original.
    public let field: VectorField
    /// For a diff, the patched field.
    public let patched: VectorField?

    /// The data of fields already computed on `maze` (for example a maze edited in `mazerender serve`):
    /// `field` alone as `vfield` writes it, or with `patched` the original and patched fields as `vfield-diff`
    /// writes them. `patches` are the SPEC texts that made `patched` (or `field`, when it is the only one).
    public init(seed: Int32, maze: MazeState, model: String?, patches: [String], field: VectorField,
                patched: VectorField? = nil) {
        self.seed = seed
        self.maze = maze
        self.model = model
        self.patches = patches
        self.field = field
        self.patched = patched
    }

    /// The data of `template`'s vector field: its `vfield-diff` panel if it has one (original and patched),
    /// else its first `vfield` panel. Fields come from `builder`'s cache when the figure was just drawn.
    init(_ template: FigureTemplate, builder: inout FigureBuilder) throws {
        let diffPanel = template.panels.first { $0.kind == .vfieldDiff }
        guard let panel = diffPanel ?? template.panels.first(where: { $0.kind == .vfield }) else {
            throw JobError("the figure has no vfield or vfield-diff panel, so there is no vector field to write")
        }
        maze = try builder.maze(for: panel)
        seed = panel.seed
        patches = panel.patches ?? []
        model = builder.context.modelPath
        if diffPanel != nil {
            field = try builder.field(panel, maze: maze, patched: false)
            patched = try builder.field(panel, maze: maze, patched: true)
        } else {
            field = try builder.field(panel, maze: maze, patched: !patches.isEmpty)
            patched = nil
        }
    }

    /// The JSON text: the header fields on the first line, then one line per cell.
    public var text: String {
        let header: [(String, JSONValue)] = [
            ("seed", .int(Int(seed))),
            ("maze_dim", .int(maze.mazeDimension)),
            ("model", model.map { .string($0) } ?? .null),
            ("patches", .array(patches.map { .string($0) })),
            ("cheese", maze.cheeseMaze.map { .pair($0.x, $0.y) } ?? .null),
            ("decision_square", maze.decisionSquare.map { .pair($0.x, $0.y) } ?? .null),
        ]
        let opening = String(JSONValue.object(header).text.dropLast())  // without the closing brace
        let cells = field.positions.indices.map { "  " + cell(at: $0).text }
        return opening + ", \"cells\": [\n" + cells.joined(separator: ",\n") + "\n]}\n"
    }

    private func cell(at index: Int) -> JSONValue {
        let position = field.positions[index]
        var members: [(String, JSONValue)] = [("x", .int(position.x)), ("y", .int(position.y))]
        members += Self.outputs(field.distributions[index])
        if let patched {
            members.append(("patched", patched.index(of: position).map { .object(Self.outputs(patched.distributions[$0])) } ?? .null))
        }
        return .object(members)
    }

    private static func outputs(_ distribution: ActionDistribution) -> [(String, JSONValue)] {
        [("probs", .object(ActionGroup.allCases.enumerated().map { ($1.rawValue, .float(distribution.groups[$0])) })),
         ("logits", .floats(distribution.logits))]
    }

    /// Writes `text` atomically (`OutputFile`). - Throws: `OutputFileError` naming the file.
    func write(to path: String) throws {
        try OutputFile.write(text: text, to: path)
    }

    /// The command's report line, e.g. `vf.json: JSON, 97 cells, seed 0`.
    func summary(path: String) -> String {
        "\(path): JSON, \(field.positions.count) cells" + (patched == nil ? "" : " (original and patched)") + ", seed \(seed)"
    }

    /// Checks a data path (a `.json` file in a writable directory) before any work.
    /// - Throws: `JobError` naming the path and what to do.
    public static func checkOutput(_ path: String) throws {
        guard FigureJobs.isDataPath(path) else { throw JobError("\(path): vector-field data is written as .json") }
        do { try OutputFile.checkWritable(path) } catch { throw JobError("\(path): \(error)") }
    }
}
