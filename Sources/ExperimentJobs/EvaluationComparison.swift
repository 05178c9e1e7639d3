import Charts
import Foundation
import JobSupport
import MazeObservation
import OutputFiles
import Statistics

/// `mazerender evaluate --models`: the single-model evaluation once per checkpoint, compared.
extension EvaluationJob {
    /// Runs this evaluation once per model of `models`, in order, each exactly as a single-model run with that
    /// checkpoint (`run(in:progress:)`); progress phases are prefixed with the model's file name.
    /// - Throws: `JobError` about `models` when a checkpoint is gone or changed, or the evaluation's errors.
    public func run(models: ModelList, renderer: ObservationRenderer, command: [String] = [],
                    progress: JobProgress.Handler? = nil) throws -> [ModelResult<Report>] {
        try models.entries.map { entry in
            let context = JobContext(model: try entry.load(), renderer: renderer, command: command)
            return ModelResult(model: entry, value: try run(in: context, progress: JobProgress.prefixed(progress, entry.name)))
        }
    }

    /// The quantities of a report with n and 95 % intervals: Wilson for the rates (`in_distribution_reached`,
    /// one per maze-size band `in_distribution_reached_sizes_A-B`, `cheese_anywhere_reached`, `top_right_first`,
    /// `decision_square_rose`), the seeded percentile bootstrap for the mean and median of
    /// `decision_square_p_cheese` and `decision_square_p_cheese_patched` (`IntervalSummary`, as `stats` reports).
    static func intervals(_ report: Report) -> IntervalSummary {
        var summary = IntervalSummary()
        summary.rate("in_distribution_reached", successes: report.inDistribution.reached, trials: report.inDistribution.total)
        for band in report.inDistributionBySize {
            summary.rate("in_distribution_reached_sizes_\(band.band.lowerBound)-\(band.band.upperBound)",
                         successes: band.reached, trials: band.total)
        }
        summary.rate("cheese_anywhere_reached", successes: report.anywhere.reached, trials: report.anywhere.total)
        summary.rate("top_right_first", successes: report.topRightFirst.count, trials: report.topRightFirst.eligible)
        summary.distribution("decision_square_p_cheese", report.decisionProbabilities.original)
        summary.distribution("decision_square_p_cheese_patched", report.decisionProbabilities.patched)
        summary.rate("decision_square_rose", successes: report.decision.rose, trials: report.decision.seeds)
        return summary
    }

    /// `{"models": [...]}`: per model, in order, `model` (the file name), `sha256`, `path`, then the fields of the
    /// single-model `json(_:source:)` (its `options` naming that model and its scale), and `intervals` (the
    /// entries of `intervals(_:)`, as `stats`' `summary.json` writes them).
    /// - Parameter source: the seed texts; its model path and scale are replaced by each model's.
    public func json(_ results: [ModelResult<Report>], source: ReportSource) -> JSONValue {
        .object([("models", .array(results.map { result in
            var own = source
            own.modelPath = result.model.path
            own.scale = result.model.scale
            var members: [(String, JSONValue)] = [
                ("model", .string(result.model.name)), ("sha256", .string(result.model.sha256)),
                ("path", .string(result.model.path)),
            ]
            if case .object(let fields) = json(result.value, source: own) { members += fields }
            members.append(("intervals", Self.intervals(result.value).jsonValue))
            return .object(members)
        }))])
    }

    /// One row per model: its file name, the start of its SHA-256, then each rate as `k/n = estimate [95 %
    /// interval]` and the decision-square medians with their intervals; the methods line under it.
    public static func comparisonTable(_ results: [ModelResult<Report>]) -> String {
        let header = ["model", "sha256", "in distribution reached", "cheese anywhere reached", "top-right 5x5 first",
                      "median P(cheese), no patch", "median P(cheese), cheese vector", "patch raised it"]
        let rows = results.map { result -> [String] in
            let summary = intervals(result.value)
            func rate(_ quantity: String) -> String {
                guard let entry = summary[quantity], let rate = entry.rate else { return "–" }
                return "\(entry.successes ?? 0)/\(entry.n) = \(rate.formatted())"
            }
            func median(_ quantity: String) -> String { summary[quantity]?.median?.formatted() ?? "–" }
            return [result.model.name, String(result.model.sha256.prefix(12)), rate("in_distribution_reached"),
                    rate("cheese_anywhere_reached"), rate("top_right_first"), median("decision_square_p_cheese"),
                    median("decision_square_p_cheese_patched"), rate("decision_square_rose")]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return lines.joined(separator: "\n") + "\n" + IntervalSummary.methods
    }

    /// The comparison plot: per model, the in-distribution and cheese-anywhere rates of reaching the cheese with
    /// their Wilson 95 % intervals (`in_distribution_reached`, `cheese_anywhere_reached` of `intervals`).
    public static func comparisonChart(_ results: [ModelResult<Report>]) -> ScatterPlot {
        let summaries = results.map { intervals($0.value) }
        return ModelComparisonPlot.chart(
            models: results.map(\.model.name),
            series: [
                .init(label: "in distribution: reached the cheese", intervals: summaries.map { $0["in_distribution_reached"]?.rate }),
                .init(label: "cheese anywhere: reached the cheese", intervals: summaries.map { $0["cheese_anywhere_reached"]?.rate }),
            ],
            title: "Success rate per model (bars: 95 % Wilson intervals)", yLabel: "P(reached the cheese)")
    }
}
