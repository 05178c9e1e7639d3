import CairoGraphics
import Foundation
import ImpalaPolicy
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis

/// `value-map` as a job: the value head with the mouse on every legal cell of one level, plain or, with
/// patches, plain, patched and their difference. Writes `.json` (`{"seed", "maze_dim", "model", "patches",
/// "cells": [{"x", "y", "value"(, "patched")}]}`, maze cells, x right, y up) or a figure (`.png`, `.svg`, `.pdf`).
public struct ValueMapJob: Job {
    public var seed: Int32
    public var generator: LevelGenerator
    public var patches: [String]
    /// Cheese and facing edits (the mouse goes to every cell; a mouse edit is refused).
    public var edits: MazeEdits
    public var out: String

    public init(seed: Int32, generator: LevelGenerator = LevelGenerator(), patches: [String] = [],
                edits: MazeEdits = MazeEdits(), out: String) {
        self.seed = seed
        self.generator = generator
        self.patches = patches
        self.edits = edits
        self.out = out
    }

    public struct Result: Sendable, CustomStringConvertible {
        public var path: String
        public var plain: ValueMap
        public var patched: ValueMap?
        public var description: String {
            let values = plain.values
            var text = "\(path): value map of \(plain.positions.count) cells, value \(String(format: "%.3f", values.min() ?? 0)) ... "
                + String(format: "%.3f", values.max() ?? 0)
            if let patched {
                let change = zip(patched.values, values).map { abs($0 - $1) }.reduce(0, +) / Float(max(1, values.count))
                text += String(format: ", patched: mean |change| %.3f", change)
            }
            return text
        }
    }

    /// Checks `out` and the edits before any work. - Throws: `JobError`.
    public func validate() throws -> OutputFormat? {
        if edits.mouse != nil { throw JobError("a value map puts the mouse on every legal cell; leave out the mouse edit") }
        if out.lowercased().hasSuffix(".json") { return nil }
        do { return try OutputFormat.forWriting(to: out) } catch {
            throw JobError(.out, "\(out): \(error); value-map writes .json, .png, .svg or .pdf")
        }
    }

    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        let format = try validate()
        let maze = try AttributionInputs.maze(seed: seed, generator: generator, edits: edits)
        let activationEdits = try AttributionInputs.edits(patches, seed: seed, context: context, generator: generator)
        let plain = try ValueMap(maze: maze, evaluator: context.evaluator)
        let patched = activationEdits.isEmpty ? nil : try ValueMap(maze: maze, evaluator: context.evaluator, edits: activationEdits)
        if let format {
            var panels = [(title: "value", values: plain.values)]
            if let patched {
                panels.append((title: "patched", values: patched.values))
                panels.append((title: "patched − original", values: zip(patched.values, plain.values).map { $0 - $1 }))
            }
            let title = "seed \(seed): value head at every mouse position" + (patches.isEmpty ? "" : " (" + patches.joined(separator: "; ") + ")")
            let canvas = try AttributionDrawing.valueMapFigure(maze: maze, positions: plain.positions, panels: panels, title: title,
                                                               sprites: try MazeSprites(assets: context.renderer.assets),
                                                               format: format)
            try canvas.write(to: out, metadata: context.provenance.describing(seeds: "\(seed)", patches: patches).entries)
        } else {
            let cells: [JSONValue] = plain.positions.indices.map { index in
                var cell: [(String, JSONValue)] = [("x", .int(plain.positions[index].x)), ("y", .int(plain.positions[index].y)),
                                                   ("value", .float(plain.values[index]))]
                if let patched { cell.append(("patched", .float(patched.values[index]))) }
                return .object(cell)
            }
            try JSONFiles.write(.object([
                ("seed", .int(Int(seed))), ("maze_dim", .int(maze.mazeDimension)),
                ("model", context.modelPath.map { .string($0) } ?? .null), ("patches", .array(patches.map { .string($0) })),
                ("cells", .array(cells)),
            ]), to: out)
        }
        return Result(path: out, plain: plain, patched: patched)
    }
}
