import ActivationPatching
import CairoGraphics
import Charts
import Foundation
import ImpalaPolicy
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import VideoJobs

/// The numbers of one sweep: per frame, the parameter's value and each seed's vector field under the patch
/// with that value (and, for a diff, each seed's unpatched field, the same in every frame).
public struct SweepNumbers: Sendable {
    /// One frame's value and fields, `fields[s]` for `seeds[s]`.
    public struct Frame: Sendable {
        public var value: Double
        public var caption: String
        public var spec: PatchSpec
        public var fields: [VectorField]
    }

    public var seeds: [Int32]
    public var frames: [Frame]
    /// Each seed's unpatched field (for a diff; nil otherwise).
    public var originals: [VectorField]?

    /// Computes every frame's fields: per seed and frame, the patch resolved for that seed (`resolveEdits`, as
    /// `vfield --patch` does) and one vector field through the batched forward pass (incremental, since the
    /// observations differ only where the mouse is). Cost: frames x seeds vector fields.
    /// - Throws: `JobError` naming the frame's spec and the seed; the network's errors.
    public init(sweep: AnimationJob.Sweep, seeds: [Int32], generator: LevelGenerator, context: JobContext,
                cancellation: JobCancellation? = nil, progress: JobProgress.Handler? = nil) throws {
        let evaluator = context.evaluator
        let mazes = seeds.map { generator.generate(seed: $0) }
        self.seeds = seeds
        originals = try sweep.diff ? mazes.map { maze in try VectorField(maze: maze, evaluator: evaluator) } : nil
        frames = []
        for index in 0..<sweep.frames {
            try checkCancelled(cancellation)
            let spec = try sweep.spec(at: index)
            var fields: [VectorField] = []
            for (seed, maze) in zip(seeds, mazes) {
                do {
                    let edits = try resolveEdits(specs: [spec], targetSeed: seed, network: context.network,
                                                 renderer: context.renderer, generator: generator)
                    fields.append(try VectorField(maze: maze, evaluator: evaluator, edits: edits))
                } catch let error as JobError {
                    throw error.prefixed("patch '\(spec)' on seed \(seed)")
                } catch {
                    // Patch errors already name the spec.
                    throw JobError("seed \(seed): \(error)")
                }
            }
            frames.append(Frame(value: sweep.value(at: index), caption: sweep.caption(at: index), spec: spec, fields: fields))
            progress?(JobProgress(done: index + 1, total: sweep.frames, unit: "frames", phase: "fields"))
        }
    }

    /// Per seed, the decision-square probabilities of every frame (nil for a level without a decision square).
    public var decisionSquareCurves: [[DecisionSquareProbabilities]?] {
        seeds.indices.map { s in
            let points = frames.compactMap { $0.fields[s].decisionSquareProbabilities }
            return points.count == frames.count ? points : nil
        }
    }

    /// The `data` JSON: `{"mode": "sweep", "parameter", "patch" (base), "seeds", "frames": [{"frame", "value",
    /// "caption", "spec", "seeds": [{"seed", "decision_square": [x, y] | null, "p_cheese", "p_top_right",
    /// "cells": [{"x", "y", "probs": {left, down, up, right, noop}}]}]}]}`, cells as `VectorFieldData` lists them
    /// (maze coordinates, bottom row first); with a diff each seed also has "original_cells".
    func json(sweep: AnimationJob.Sweep, model: String?) -> JSONValue {
        let frameValues: [JSONValue] = frames.enumerated().map { index, frame in
            let perSeed: [JSONValue] = seeds.indices.map { s in
                let field = frame.fields[s], square = field.decisionSquareProbabilities
                var members: [(String, JSONValue)] = [
                    ("seed", .int(Int(seeds[s]))),
                    ("decision_square", square.map { .pair($0.square.x, $0.square.y) } ?? .null),
                    ("p_cheese", square.map { .float($0.towardCheese) } ?? .null),
                    ("p_top_right", square.map { .float($0.towardTopRight) } ?? .null),
                    ("cells", fieldCellsJSON(field)),
                ]
                if let originals { members.append(("original_cells", fieldCellsJSON(originals[s]))) }
                return .object(members)
            }
            return .object([("frame", .int(index)), ("value", .double(frame.value)), ("caption", .string(frame.caption)),
                            ("spec", .string(frame.spec.description)), ("seeds", .array(perSeed))])
        }
        return .object([
            ("mode", "sweep"), ("parameter", .string(sweep.parameter.description)),
            ("patch", sweep.base.map { .string($0.description) } ?? .null), ("diff", .bool(sweep.diff)),
            ("model", model.map { .string($0) } ?? .null),
            ("seeds", .array(seeds.map { .int(Int($0)) })), ("frames", .array(frameValues)),
        ])
    }
}

/// Draws and encodes a sweep: per frame the seeds' fields side by side (or their diffs), the value as the
/// caption, and under them a chart of the decision square's P(toward cheese) and P(toward top-right) against
/// the parameter over the whole range (fixed axes), the current value marked.
struct SweepAnimation {
    let job: AnimationJob
    let sweep: AnimationJob.Sweep
    let context: JobContext

    func run(progress: JobProgress.Handler?, cancellation: JobCancellation?,
             frameObserver: ((UnsafeRawBufferPointer, Int) throws -> Void)?) throws -> AnimationSummary {
        let clock = ContinuousClock(), started = clock.now
        let sprites = try MazeSprites(assets: context.renderer.assets)
        let numbers = try SweepNumbers(sweep: sweep, seeds: job.seeds, generator: job.generator, context: context,
                                       cancellation: cancellation, progress: progress)
        let numbersSeconds = (clock.now - started).seconds
        let side = Double(job.panelSide ?? 256)
        let chart = SweepChart(sweep: sweep, numbers: numbers)
        let frames = FiguresOverChart(job: job, sprites: sprites, first: figure(numbers.frames[0], numbers: numbers, side: side),
                                      chartHeight: max(200, (0.7 * side).rounded()), minimumWidth: 520)
        return try frames.encode(
            frames: numbers.frames.count, metadata: job.provenance(in: context),
            figure: { figure(numbers.frames[$0], numbers: numbers, side: side) },
            chart: { chart.draw(at: numbers.frames[$0].value, on: $1, in: $2) },
            data: { numbers.json(sweep: sweep, model: context.modelPath) }, notes: chart.notes,
            numbersSeconds: numbersSeconds, started: started, progress: progress, cancellation: cancellation,
            frameObserver: frameObserver)
    }

    /// One frame's panels: each seed's patched field (white arrows) or its diff against the original (lime),
    /// the decision square dotted red; the value as the caption.
    func figure(_ frame: SweepNumbers.Frame, numbers: SweepNumbers, side: Double) -> Figure {
        let panels = numbers.seeds.indices.map { s -> FigurePanel in
            let field = frame.fields[s]
            var panel = FigurePanel(maze: field.maze, label: "seed \(numbers.seeds[s])")
            if let originals = numbers.originals {
                panel.layers.append(.diffArrows(VectorFieldDiff(patched: field, original: originals[s]), color: .lime))
                panel.label = "seed \(numbers.seeds[s]): patched minus original"
            } else {
                panel.layers.append(.netArrows(field, color: .white))
            }
            if let square = field.maze.decisionSquare { panel.layers.append(.cellDots([square], color: .red)) }
            return panel
        }
        return Figure(panels: panels, panelSize: side, title: job.title, caption: frame.caption)
    }
}

/// The chart under a sweep's panels: per seed with a decision square, P(toward cheese) and P(toward top-right)
/// against the parameter, x over the whole sweep and y over 0...1 in every frame; the current value marked by a
/// vertical line and dots on the curves.
struct SweepChart {
    let plot: ScatterPlot
    let curves: [(color: Color, points: [(x: Double, y: Double)])]
    /// One line per seed: the probabilities at the sweep's two ends, or why a seed has no curve.
    let notes: [String]
    let style: ChartStyle

    init(sweep: AnimationJob.Sweep, numbers: SweepNumbers) {
        var style = ChartStyle()
        style.fontSize = 11
        style.titleSize = 12
        self.style = style
        var plot = ScatterPlot(title: "decision square", xLabel: sweep.parameter.caption, yLabel: "probability",
                               xRange: min(sweep.from, sweep.to)...max(sweep.from, sweep.to), yRange: 0...1)
        var curves: [(color: Color, points: [(x: Double, y: Double)])] = []
        var notes: [String] = []
        let several = numbers.seeds.count > 1
        for (s, curve) in numbers.decisionSquareCurves.enumerated() {
            let seed = numbers.seeds[s]
            guard let curve else {
                notes.append("seed \(seed): no decision square (the path to the cheese does not branch off the path to the top right), so no curve")
                continue
            }
            let xs = numbers.frames.map(\.value), first = curves.count
            for (name, values, color) in [("P(toward cheese)", curve.map(\.towardCheese), style.color(first)),
                                          ("P(toward top-right)", curve.map(\.towardTopRight), style.color(first + 1))] {
                let points = zip(xs, values).map { (x: $0, y: Double($1)) }
                plot.curves.append(.init(label: several ? "seed \(seed) \(name)" : name, points: points, color: color))
                curves.append((color, points))
            }
            notes.append(String(format: "seed %d: P(toward cheese) %.3f -> %.3f, P(toward top-right) %.3f -> %.3f over %@",
                                seed, curve.first!.towardCheese, curve.last!.towardCheese,
                                curve.first!.towardTopRight, curve.last!.towardTopRight, sweep.parameter.caption))
        }
        self.plot = plot
        self.curves = curves
        self.notes = notes
    }

    /// Draws the chart in `rect`, then the marker at `value` (axes laid out as the plot lays them out).
    func draw(at value: Double, on canvas: Canvas, in rect: Rect) {
        plot.draw(on: canvas, in: rect, style: style)
        let axes = Axes(title: plot.title, x: Axis(label: plot.xLabel, range: plot.xRange!), y: Axis(label: plot.yLabel, range: 0...1))
        let frame = axes.layout(on: canvas, in: rect, style: style)
        canvas.newPath()
        canvas.move(to: frame.point(x: value, y: 0))
        canvas.line(to: frame.point(x: value, y: 1))
        canvas.stroke(Color(white: 0.35), lineWidth: 1.5)
        for curve in curves {
            guard let point = curve.points.min(by: { abs($0.x - value) < abs($1.x - value) }) else { continue }
            canvas.newPath()
            canvas.addCircle(center: frame.point(x: value, y: point.y), radius: 4)
            canvas.fill(curve.color)
        }
    }
}
