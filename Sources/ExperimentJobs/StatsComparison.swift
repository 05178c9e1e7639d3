import Charts
import Foundation
import JobSupport
import MazeObservation
import OutputFiles
import PolicyExperiments
import Statistics

/// `mazerender stats --models`: the single-model stats run once per checkpoint, each into its own sub-folder
/// of `out` (named after the checkpoint file, a complete single-model output with its own `run.json`), then
/// `models.csv` (one row per model) and `models.png` / `models.svg` comparing them. The folder's `run.json`
/// lists every file, the sub-folders' included, so `overwrite` replaces exactly this run.
///
/// Not resumable: a failure removes what the run wrote; a signal leaves the finished models' sub-folders and a
/// `run.json` that lists them (for `overwrite`), the unfinished model's files removed.
extension StatsJob {
    public static let comparisonTableName = "models.csv"
    /// `models.png` and `models.svg`.
    public static let comparisonPlotName = "models"

    /// The checks of `validate()` and those of a run over several models (no `resume`, no shard).
    public func validateForModels() throws(JobError) {
        try validate()
        guard !resume else {
            throw JobError(.resume, "cannot continue a run of several models (\(setting: .models)); run it again with \(setting: .overwrite), or each model alone")
        }
        guard shard == nil else {
            throw JobError(.models, "runs whole seed lists; to share one model's seeds among machines, run it alone in shards and merge them")
        }
    }

    /// Runs this job once per model of `models`, in order, into `out/<file name>/` (each exactly a single-model
    /// run of that checkpoint), then writes the comparison. Progress phases are the models' file names.
    /// - Returns: each model's `seeds.csv` table.
    /// - Throws: `JobError` naming the setting, folder, checkpoint or seed.
    public func run(models: ModelList, renderer: ObservationRenderer, command: [String] = [],
                    progress: JobProgress.Handler? = nil) throws -> [ModelResult<CSVTable>] {
        try validateForModels()
        let info = runDescription(model: StatsRun.Model(path: "", sha256: ""))
        guard case .object(var settings) = info.json else { preconditionFailure("StatsRun.json is an object") }
        settings.removeAll { $0.0 == "model" || $0.0 == "shard" }
        settings.append(("features", features.map { JSONValue.array($0.map { JSONValue.string($0) }) } ?? .null))
        settings.append(("models", .array(models.entries.map { entry in
            .object([("name", .string(entry.name)), ("path", .string(entry.path)), ("sha256", .string(entry.sha256)),
                     ("scale", .int(entry.scale))])
        })))
        let provenance = Provenance(command: command)
            .describing(seeds: seedsText, patches: coefficients.map { "cheese:coeff=\($0)" })
        // Resumable only in that a signal keeps run.json, which `record()` keeps listing the finished models.
        let folder = try RunFolder(out, job: "stats models", settings: .object(settings), provenance: provenance,
                                   existing: existing, resumable: true)
        defer { folder.abandonIfUnfinished() }
        var results: [ModelResult<CSVTable>] = [], rows: [[String]] = []
        for entry in models.entries {
            var part = self
            part.out = (out.hasSuffix("/") ? String(out.dropLast()) : out) + "/" + entry.name
            part.existing = .refuse
            part.keepsJournal = false
            let context = JobContext(model: try entry.load(), renderer: renderer, command: command)
            let (table, analysis) = try part.runAnalysing(in: context, progress: JobProgress.prefixed(progress, entry.name))
            results.append(ModelResult(model: entry, value: table))
            rows.append(Self.comparisonRow(entry, table: table, analysis: analysis, run: info))
            try folder.record()
        }
        let comparison = CSVTable(columns: Self.comparisonColumns(run: info, table: results.first?.value), rows: rows)
        do {
            try comparison.write(to: out + "/" + Self.comparisonTableName)
            let chart = Self.comparisonChart(comparison)
            for ext in ["png", "svg"] {
                try ModelComparisonPlot.write(chart, to: "\(out)/\(Self.comparisonPlotName).\(ext)")
            }
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError("stats comparison in \(out): \(error)")
        }
        try folder.finish()
        return results
    }

    /// The regression figures after the interval columns: the levels the regressions fitted, and the L1
    /// regression's mean test accuracy and the majority baseline's, each with its 95 % interval.
    static let regressionColumns = ["regression_levels", "l1_test_accuracy", "l1_test_accuracy_low",
                                    "l1_test_accuracy_high", "majority_baseline_accuracy",
                                    "majority_baseline_accuracy_low", "majority_baseline_accuracy_high"]

    /// `model, sha256, scale, levels`, then per quantity of `summary.md`'s interval table (`StatsReport`): a rate
    /// as `Q, Q_low, Q_high, Q_n`; a mean and median as `Q_mean, Q_mean_low, Q_mean_high, Q_median,
    /// Q_median_low, Q_median_high, Q_n`; then `regressionColumns`.
    static func comparisonColumns(run: StatsRun, table: CSVTable?) -> [String] {
        let summary = StatsReport.intervals(table ?? CSVTable(columns: run.columns), run: run)
        var columns = ["model", "sha256", "scale", "levels"]
        for entry in summary.entries {
            let q = entry.quantity
            columns += entry.rate != nil ? [q, q + "_low", q + "_high"]
                : [q + "_mean", q + "_mean_low", q + "_mean_high", q + "_median", q + "_median_low", q + "_median_high"]
            columns.append(q + "_n")
        }
        return columns + regressionColumns
    }

    static func comparisonRow(_ entry: ModelList.Entry, table: CSVTable, analysis: BehaviourAnalysis?,
                              run: StatsRun) -> [String] {
        func number(_ value: Double) -> String { value.isFinite ? NumberText.shortest(value) : "" }
        func interval(_ value: ConfidenceInterval?) -> [String] {
            guard let value else { return ["", "", ""] }
            return [number(value.estimate), number(value.lower), number(value.upper)]
        }
        var row = [entry.name, entry.sha256, String(entry.scale), String(table.rows.count)]
        for item in StatsReport.intervals(table, run: run).entries {
            row += item.rate != nil ? interval(item.rate) : interval(item.mean) + interval(item.median)
            row.append(String(item.n))
        }
        guard let analysis else { return row + Array(repeating: "", count: regressionColumns.count) }
        return row + [String(analysis.rows)] + interval(analysis.notebook.testAccuracyInterval)
            + interval(analysis.notebook.baselineAccuracyInterval)
    }

    /// The comparison plot, from `models.csv` itself: per model, P(reached the cheese) (Wilson interval) and the
    /// median P(toward cheese) at the decision square, unpatched and with the cheese vector at the first
    /// coefficient (bootstrap intervals).
    public static func comparisonChart(_ comparison: CSVTable) -> ScatterPlot {
        func intervals(_ column: String) -> [ConfidenceInterval?] {
            let values = [column, column + "_low", column + "_high"].map { comparison.column($0) ?? [] }
            return comparison.rows.indices.map { index in
                guard values.allSatisfy({ $0.count > index }), let estimate = Double(values[0][index]),
                      let low = Double(values[1][index]), let high = Double(values[2][index]) else { return nil }
                return ConfidenceInterval(estimate: estimate, lower: low, upper: high, n: 0, method: "from models.csv")
            }
        }
        return ModelComparisonPlot.chart(
            models: comparison.column("model") ?? [],
            series: [
                .init(label: "reached the cheese", intervals: intervals("reached_cheese")),
                .init(label: "median P(toward cheese) at the decision square", intervals: intervals("p_cheese_median")),
                .init(label: "the same with the cheese vector", intervals: intervals("p_cheese_patched_median")),
            ],
            title: "Per model (bars: 95 % intervals, Wilson for rates, bootstrap for medians)",
            yLabel: "probability")
    }
}
