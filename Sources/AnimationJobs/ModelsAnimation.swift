import CairoGraphics
import ExperimentJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import Statistics
import VideoJobs

/// The numbers of an animation over models, all computed before the first frame is drawn: per checkpoint (in
/// `ModelList` order) each seed's vector field, its in-distribution success rate as `evaluate` measures it, and
/// the mean over the seeds of the decision square's P(toward cheese).
public struct ModelSeriesNumbers: Sendable {
    /// One checkpoint's numbers; `fields[s]` belongs to `seeds[s]`.
    public struct Model: Sendable {
        public var entry: ModelList.Entry
        /// Where the model sits on the chart's x axis (`ModelSeriesNumbers.xAxis`).
        public var x: Double
        public var fields: [VectorField]
        /// Levels with cheese where the mouse reached it, of `levels` (`evaluate`'s `in_distribution`).
        public var reached: Int, levels: Int
        /// `reached / levels` with its Wilson score 95 % interval (as `evaluate --models` reports it).
        public var success: ConfidenceInterval
        /// The decision square's P(toward cheese) averaged over the seeds that have one; nil when none has.
        public var meanTowardCheese: Double?
    }

    public var seeds: [Int32]
    public var models: [Model]
    /// The x axis: its label, and whether x is the number in each file name (else the model's place, 1 ... N).
    public var xLabel: String, xFromNames: Bool

    /// Loads each checkpoint in turn (one network in memory at a time), computes each seed's vector field
    /// (as `vfield` does) and runs `evaluate`'s in-distribution phase on `series.levelSeeds`.
    /// Cost per model: seeds vector fields and `series.levels` episodes of at most `series.maxSteps` moves.
    /// - Throws: `JobError` about `models` when a checkpoint changed or went away; the network's errors.
    public init(series: AnimationJob.ModelSeries, list: ModelList, seeds: [Int32], generator: LevelGenerator,
                renderer: ObservationRenderer, command: [String] = [], cancellation: JobCancellation? = nil,
                progress: JobProgress.Handler? = nil) throws {
        let mazes = seeds.map { generator.generate(seed: $0) }
        let axis = Self.xAxis(list.entries.map(\.name))
        self.seeds = seeds
        xLabel = axis.label
        xFromNames = axis.fromNames
        let evaluation = EvaluationJob(inDistributionSeeds: series.levelSeeds, randRegion: series.randRegion,
                                       anywhereSeeds: [], decisionSeeds: [], maxSteps: series.maxSteps)
        models = []
        for (index, entry) in list.entries.enumerated() {
            try checkCancelled(cancellation)
            let context = JobContext(model: try entry.load(), renderer: renderer, command: command)
            let fields = try mazes.map { try VectorField(maze: $0, evaluator: context.evaluator) }
            let report = try evaluation.run(in: context, progress: JobProgress.prefixed(progress, entry.name))
            let (reached, total) = report.inDistribution
            let towardCheese = fields.compactMap { $0.decisionSquareProbabilities.map { Double($0.towardCheese) } }
            models.append(Model(
                entry: entry, x: axis.values[index], fields: fields, reached: reached, levels: total,
                success: ConfidenceInterval.wilson(successes: reached, trials: total),
                meanTowardCheese: towardCheese.isEmpty ? nil : towardCheese.reduce(0, +) / Double(towardCheese.count)))
            progress?(JobProgress(done: index + 1, total: list.entries.count, unit: "models", phase: "numbers"))
        }
    }

    /// The x of each name: the last number in it (`ModelList.lastNumber`) when every name has one and they
    /// rise in the list's order, labelled with the names' shared parts (`N in ckpt_step_N.pth`); otherwise
    /// the place in the list, 1 ... N.
    static func xAxis(_ names: [String]) -> (values: [Double], label: String, fromNames: Bool) {
        let numbers = names.map { ModelList.lastNumber(in: $0).flatMap(Double.init) }
        let values = numbers.compactMap { $0 }
        if values.count == names.count, zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) {
            let ticks = ModelComparisonPlot.tickLabels(names)
            let digitsOnly = ticks.labels.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            if let shared = ticks.shared, digitsOnly {
                return (values, "N in " + shared.replacingOccurrences(of: "…", with: "N") + " (from the file names)", true)
            }
            return (values, "last number in the file name", true)
        }
        return (names.indices.map { Double($0 + 1) }, "model (1 ... \(names.count), in the order given)", false)
    }

    /// The `data` JSON: `{"mode": "models", "x_axis", "levels": {"generator", "seeds", "count", "max_steps"},
    /// "seeds", "models": [{"index", "model" (file name), "path", "sha256", "x", "success": {"reached", "n",
    /// "estimate", "lower", "upper", "level", "method"}, "decision_square_p_cheese_mean", "seeds": [{"seed",
    /// "decision_square", "p_cheese", "p_top_right", "cells"}]}]}`, cells as a sweep's data lists them.
    func json(series: AnimationJob.ModelSeries) -> JSONValue {
        func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }
        let levelSeeds = series.levelSeeds
        let entries: [JSONValue] = models.enumerated().map { index, model in
            let perSeed: [JSONValue] = seeds.indices.map { s in
                let field = model.fields[s], square = field.decisionSquareProbabilities
                return .object([
                    ("seed", .int(Int(seeds[s]))),
                    ("decision_square", square.map { .pair($0.square.x, $0.square.y) } ?? .null),
                    ("p_cheese", square.map { .float($0.towardCheese) } ?? .null),
                    ("p_top_right", square.map { .float($0.towardTopRight) } ?? .null),
                    ("cells", fieldCellsJSON(field)),
                ])
            }
            let success: JSONValue = .object([
                ("reached", .int(model.reached)), ("n", .int(model.levels)), ("estimate", number(model.success.estimate)),
                ("lower", number(model.success.lower)), ("upper", number(model.success.upper)),
                ("level", .double(model.success.level)), ("method", .string(model.success.method)),
            ])
            return .object([
                ("index", .int(index)), ("model", .string(model.entry.name)), ("path", .string(model.entry.path)),
                ("sha256", .string(model.entry.sha256)), ("caption", .string(Self.caption(index, of: models.count, model.entry))),
                ("x", .double(model.x)), ("success", success),
                ("decision_square_p_cheese_mean", model.meanTowardCheese.map { .double($0) } ?? .null),
                ("seeds", .array(perSeed)),
            ])
        }
        let levels: JSONValue = .object([
            ("generator", .string("maze_aisc rand_region=\(series.randRegion)")),
            ("seeds", .string(levelSeeds.count == 1 ? "\(levelSeeds[0])" : "\(levelSeeds[0])..\(levelSeeds[levelSeeds.count - 1])")),
            ("count", .int(series.levels)), ("max_steps", .int(series.maxSteps)),
        ])
        return .object([
            ("mode", "models"), ("x_axis", .string(xLabel)), ("levels", levels),
            ("seeds", .array(seeds.map { .int(Int($0)) })), ("models", .array(entries)),
        ])
    }

    /// A frame's caption: `model 2 of 3: ckpt_step_10.pth` over `sha256 0123456789ab`.
    static func caption(_ index: Int, of count: Int, _ entry: ModelList.Entry) -> String {
        "model \(index + 1) of \(count): \(entry.name)\nsha256 \(entry.sha256.prefix(12))"
    }
}

/// A vector field's cells as the animations' data lists them: `[{"x", "y", "probs": {left, down, up, right,
/// noop}}]`, maze coordinates, bottom row first (as `VectorFieldData`).
func fieldCellsJSON(_ field: VectorField) -> JSONValue {
    .array(field.positions.indices.map { i in
        .object([("x", .int(field.positions[i].x)), ("y", .int(field.positions[i].y)),
                 ("probs", .object(ActionGroup.allCases.enumerated().map { ($1.rawValue, .float(field.distributions[i].groups[$0])) }))])
    })
}

/// Draws and encodes an animation over models: per frame one checkpoint's fields on the seeds side by side, its
/// name and short SHA-256 as the caption, and under them `ModelSeriesChart` grown to that model.
struct ModelsAnimation {
    let job: AnimationJob
    let series: AnimationJob.ModelSeries
    let list: ModelList
    let renderer: ObservationRenderer
    let command: [String]

    func run(progress: JobProgress.Handler?, cancellation: JobCancellation?,
             frameObserver: ((UnsafeRawBufferPointer, Int) throws -> Void)?) throws -> AnimationSummary {
        let clock = ContinuousClock(), started = clock.now
        let sprites = try MazeSprites(assets: renderer.assets)
        let numbers = try ModelSeriesNumbers(series: series, list: list, seeds: job.seeds, generator: job.generator,
                                             renderer: renderer, command: command, cancellation: cancellation,
                                             progress: progress)
        let numbersSeconds = (clock.now - started).seconds
        let side = Double(job.panelSide ?? 256)
        let chart = ModelSeriesChart(numbers: numbers)
        let frames = FiguresOverChart(job: job, sprites: sprites, first: figure(0, numbers: numbers, side: side),
                                      chartHeight: max(220, (0.75 * side).rounded()), minimumWidth: 560)
        return try frames.encode(
            frames: numbers.models.count, metadata: provenance(),
            figure: { figure($0, numbers: numbers, side: side) }, chart: { chart.draw(upTo: $0, on: $1, in: $2) },
            data: { numbers.json(series: series) }, notes: chart.notes, numbersSeconds: numbersSeconds,
            started: started, progress: progress, cancellation: cancellation, frameObserver: frameObserver)
    }

    /// Model `index`'s panels: each seed's field (white arrows), the decision square dotted red; the model's
    /// file name and short SHA-256 as the caption.
    func figure(_ index: Int, numbers: ModelSeriesNumbers, side: Double) -> Figure {
        let model = numbers.models[index]
        let panels = numbers.seeds.indices.map { s -> FigurePanel in
            let field = model.fields[s]
            var panel = FigurePanel(maze: field.maze, label: "seed \(numbers.seeds[s])")
            panel.layers.append(.netArrows(field, color: .white))
            if let square = field.maze.decisionSquare { panel.layers.append(.cellDots([square], color: .red)) }
            return panel
        }
        return Figure(panels: panels, panelSize: side, title: job.title,
                      caption: ModelSeriesNumbers.caption(index, of: numbers.models.count, model.entry))
    }

    /// As every mazerender video: version, command line, the seeds and the title; `Model` lists every checkpoint
    /// in order, each file name with its short SHA-256 (`3 models: ckpt_step_2.pth (sha256 …), …`).
    func provenance() -> [(key: String, value: String)] {
        var entries = Provenance(command: command).describing(seeds: Provenance.seedText(job.seeds)).entries
        let models = list.entries.map { "\($0.name) (sha256 \($0.sha256.prefix(12)))" }.joined(separator: ", ")
        let count = list.entries.count == 1 ? "1 model" : "\(list.entries.count) models"
        let at = entries.firstIndex { $0.key == "Seeds" } ?? entries.count
        entries.insert((key: "Model", value: "\(count): \(models)"), at: at)
        if let title = job.title, !title.isEmpty {
            entries.insert((key: "Title", value: title.replacingOccurrences(of: "\n", with: " ")), at: 0)
        }
        return entries
    }
}
