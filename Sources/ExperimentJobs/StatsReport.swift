import Charts
import Foundation
import JobSupport
import MazeSimulation
import OutputFiles
import PolicyExperiments
import Statistics

/// The analysis files of a whole `stats` run (not written for a shard): `regression.json`, `summary.md`, and
/// PNG + SVG plots in `plots/` (a histogram per metric, P(toward cheese) at the decision square per cheese-vector
/// coefficient as box plots, P(toward cheese) against the strongest feature with the fitted logistic curve, the
/// correlation matrix of the metrics).
public enum StatsReport {
    /// Writes the files for `table` into `directory`. - Returns: the analysis, or nil when too few levels qualify
    /// for the regressions (then `summary.md` says so and nothing else is written).
    /// - Throws: `JobError` naming the file, or why the analysis cannot run (a missing column, a constant feature).
    @discardableResult
    public static func write(table: CSVTable, run: StatsRun, features: [String], to directory: String) throws
        -> BehaviourAnalysis? {
        let analysis: BehaviourAnalysis
        do {
            analysis = try BehaviourAnalysis(table: table.columns, rows: table.rows, features: features)
        } catch let error as AnalysisError {
            guard case .tooFewRows = error else { throw JobError("stats analysis: \(error)") }
            do {
                try OutputFile.write(text: "# Behavioural statistics\n\nSeeds `\(run.seeds)`: no regressions: \(error).\n",
                                     to: directory + "/summary.md")
            } catch {
                throw JobError("\(error)")
            }
            return nil
        } catch {
            throw JobError("stats analysis: \(error)")
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try OutputFile.write(Array(try encoder.encode(analysis)) + [0x0A], to: directory + "/regression.json")
            try OutputFile.write(text: summary(analysis, table: table, run: run), to: directory + "/summary.md")
            try plots(analysis, table: table, run: run, to: directory + "/plots")
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError("stats report in \(directory): \(error)")
        }
        return analysis
    }

    static func numbers(_ table: CSVTable, _ column: String) -> [Double] {
        (table.column(column) ?? []).compactMap(Double.init)
    }

    /// About 30 bins (fewer for few values); for whole-number metrics (step counts, taxicab distances) the edges sit
    /// halfway between integers and every bin is a whole number of units wide, so no bin gets an extra value.
    static func binning(for values: [Double]) -> HistogramBinning {
        let count = min(30, max(5, Int(Double(values.count).squareRoot())))
        guard values.allSatisfy({ $0 == $0.rounded() }), let low = values.min(), let high = values.max() else {
            return .count(count)
        }
        let width = max(1, ((high - low + 1) / Double(count)).rounded(.up))
        let bins = Int(((high - low + 1) / width).rounded(.up))
        return .edges((0...bins).map { low - 0.5 + Double($0) * width })
    }

    static func plots(_ analysis: BehaviourAnalysis, table: CSVTable, run: StatsRun, to folder: String) throws {
        let made = try OutputFolder(folder)
        func save(_ chart: some Chart, _ name: String, width: Double = 640, height: Double = 480) throws {
            for ext in ["png", "svg"] { try chart.write(to: "\(folder)/\(name).\(ext)", width: width, height: height) }
        }
        for metric in MazeMetrics.names {
            let values = numbers(table, metric)
            guard !values.isEmpty else { continue }
            try save(try Histogram(values: values, binning: binning(for: values),
                                   title: "\(metric) (\(values.count) levels)", xLabel: metric, yLabel: "levels"),
                     "hist-\(metric)")
        }
        var groups: [(label: String, values: [Double])] = [("unpatched", numbers(table, "p_cheese"))]
        for (index, coefficient) in run.coefficients.enumerated() {
            let column = index == 0 ? "p_cheese_patched" : "p_cheese@\(BehaviourRow.text(coefficient))"
            groups.append(("cheese vector ×\(BehaviourRow.text(coefficient))", numbers(table, column)))
        }
        try save(BoxPlot(groups: groups, title: "P(toward cheese) at the decision square",
                         yLabel: "P(first move toward the cheese)", yRange: 0...1), "p-cheese-by-coefficient")

        // The strongest claimed feature: the largest |z| of the maximum-likelihood fit.
        let fit = analysis.claimed
        let strongest = fit.featureNames.indices.max { abs(fit.zValues[$0] ?? 0) < abs(fit.zValues[$1] ?? 0) } ?? 0
        let feature = fit.featureNames[strongest]
        let pairs = zip(table.column(feature) ?? [], table.column("p_cheese") ?? []).compactMap { x, y -> (Double, Double)? in
            guard let x = Double(x), let y = Double(y) else { return nil }
            return (x, y)
        }
        let raw = pairs.map(\.0)
        let mean = raw.reduce(0, +) / Double(max(1, raw.count))
        let sd = (raw.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, raw.count))).squareRoot()
        let slope = fit.coefficients[strongest], intercept = fit.intercept
        let curve = ScatterPlot.Curve(label: "logit fit: P(reached cheese), others at their mean") { x in
            1 / (1 + exp(-(intercept + slope * (sd > 0 ? (x - mean) / sd : 0))))
        }
        try save(ScatterPlot(series: [ScatterPlot.Series(label: "levels: P(toward cheese) at the decision square",
                                                         x: raw, y: pairs.map(\.1))],
                             curves: [curve], title: "P(toward cheese) against \(feature)", xLabel: feature,
                             yLabel: "probability", yRange: 0...1), "p-cheese-vs-\(feature)")
        let matrix = analysis.correlation
        try save(try HeatMap(values: matrix.values, rowNames: matrix.names, columnNames: matrix.names,
                             title: "Correlation of the maze metrics (\(analysis.rows) levels)", range: -1...1,
                             colorBarLabel: "Pearson r"), "correlation", width: 1100, height: 1000)
        made.keep()
    }

    static func summary(_ analysis: BehaviourAnalysis, table: CSVTable, run: StatsRun) -> String {
        func f(_ value: Double?, _ digits: Int = 3) -> String {
            guard let value, value.isFinite else { return "–" }
            return String(format: "%.\(digits)f", value)
        }
        func p(_ value: Double?) -> String {
            guard let value else { return "–" }
            return value < 1e-4 ? String(format: "%.1e", value) : String(format: "%.4f", value)
        }
        let reached = numbers(table, "reached_cheese").filter { $0 == 1 }.count
        var text = """
            # Behavioural statistics

            Seeds `\(run.seeds)` (\(table.rows.count) levels), model `\(run.model.path)` (sha256 \(run.model.sha256.prefix(12))…), \
            \(run.sample.map { "actions sampled from seed \($0)" } ?? "argmax actions"), at most \(run.maxSteps) steps. \
            Reached the cheese: \(reached)/\(table.rows.count).

            Regressions over \(analysis.rows) levels (\(analysis.filterDescription)); \(analysis.reached) reached the cheese. \
            Features z-scored with the population standard deviation.

            ## Logistic regression of reached_cheese (maximum likelihood)

            | feature | coefficient | std. error | z | p |
            |---|---|---|---|---|
            | intercept | \(f(analysis.claimed.intercept)) | \(f(analysis.claimed.interceptStandardError)) | \(f(analysis.claimed.interceptZ, 2)) | \(p(analysis.claimed.interceptPValue)) |

            """
        for (i, name) in analysis.claimed.featureNames.enumerated() {
            text += "| \(name) | \(f(analysis.claimed.coefficients[i])) | \(f(analysis.claimed.standardErrors[i])) | "
                + "\(f(analysis.claimed.zValues[i], 2)) | \(p(analysis.claimed.pValues[i])) |\n"
        }
        text += "\nLog-likelihood \(f(analysis.claimed.logLikelihood)) (null \(f(analysis.claimed.nullLogLikelihood))), "
            + "pseudo R² \(f(analysis.claimed.pseudoRSquared)), \(analysis.claimed.iterations) Newton steps"
            + (analysis.claimed.converged ? "" : ", **not converged**") + ".\n"
        let l1 = analysis.notebook
        text += """

            ## L1-regularised regression over the notebook's 11 attributes (liblinear objective, C = 1)

            Mean test accuracy over \(l1.splits) seeded 80/20 splits: **\(f(l1.meanTestAccuracy))**; \
            trivial baseline (majority outcome): \(f(l1.meanBaselineAccuracy)).

            | attribute | coefficient (all levels) | test accuracy without it | relative change | matters (> 0.5% drop) |
            |---|---|---|---|---|

            """
        for drop in l1.dropOne {
            text += "| \(drop.dropped) | \(f(l1.fit.coefficient(drop.dropped))) | \(f(drop.meanTestAccuracy)) | "
                + "\(f(100 * drop.relativeChange, 2))% | \(drop.matters ? "yes" : "no") |\n"
        }
        text += "\nPlots: `plots/` (histograms, P(toward cheese) by coefficient, P(toward cheese) against the strongest "
            + "feature, the correlation matrix). All numbers: `regression.json`, `seeds.csv`.\n"
        return text
    }
}
