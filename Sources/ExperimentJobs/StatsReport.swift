import Charts
import Foundation
import JobSupport
import MazeSimulation
import OutputFiles
import PolicyExperiments
import Statistics

/// The analysis files of a whole `stats` run (not written for a shard): `regression.json`, `summary.md`, and
/// PNG + SVG plots in `plots/` (a histogram per metric, P(toward cheese) at the decision square per cheese-vector
/// coefficient as box plots, reached the cheese (0/1, jittered) against the strongest feature over the fitted
/// levels with the fitted logistic curve, the correlation matrix of the metrics), and `summary.json`: the rates,
/// means and medians of `summary.md` with n and 95 % intervals (`IntervalSummary`).
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
            try OutputFile.write(try IntervalSummary.json(intervals(table, run: run)), to: directory + "/summary.json")
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
        groups = groups.map { (label: "\($0.label) (n = \($0.values.count))", values: $0.values) }
        try save(BoxPlot(groups: groups, title: "P(toward cheese) at the decision square",
                         yLabel: "P(first move toward the cheese)", yRange: 0...1), "p-cheese-by-coefficient")

        let (reachedPlot, feature) = try reachedCurve(analysis, table: table)
        try save(reachedPlot, "p-cheese-vs-\(feature)")
        let matrix = analysis.correlation
        try save(try HeatMap(values: matrix.values, rowNames: matrix.names, columnNames: matrix.names,
                             title: "Correlation of the maze metrics (\(analysis.rows) levels)", range: -1...1,
                             colorBarLabel: "Pearson r"), "correlation", width: 1100, height: 1000)
        made.keep()
    }

    /// The fit's strongest claimed feature (largest |z|), its levels' outcome and the fitted curve: over the levels
    /// the regression fitted (`BehaviourAnalysis.fittedRowIndices`), reached the cheese (1) or not (0) against the
    /// raw feature, jittered vertically by up to ±0.04 (seeded: the same picture every run), and
    /// P(reached) = σ(intercept + slope · (x − mean) / sd) with the fit's own mean and population SD
    /// (`claimedStandardization`), the other features at their mean (z = 0).
    /// - Returns: the chart and the feature's name.
    public static func reachedCurve(_ analysis: BehaviourAnalysis, table: CSVTable) throws -> (ScatterPlot, String) {
        let fit = analysis.claimed
        let strongest = fit.featureNames.indices.max { abs(fit.zValues[$0] ?? 0) < abs(fit.zValues[$1] ?? 0) } ?? 0
        let feature = fit.featureNames[strongest]
        let fitted: [Int]
        do { fitted = try BehaviourAnalysis.fittedRowIndices(table: table.columns, rows: table.rows) } catch {
            throw JobError("stats plot: \(error)")
        }
        let xs = table.column(feature) ?? [], outcomes = table.column("reached_cheese") ?? []
        var generator = SplitMix64(seed: Bootstrap.defaultSeed)
        var reached: (x: [Double], y: [Double]) = ([], []), missed: (x: [Double], y: [Double]) = ([], [])
        for i in fitted {
            let jitter = (Double(generator.uniform(below: 8001)) / 8000 - 0.5) * 0.08
            guard let x = Double(xs[i]) else { continue }
            if outcomes[i] == "1" {
                reached.x.append(x)
                reached.y.append(1 + jitter)
            } else {
                missed.x.append(x)
                missed.y.append(jitter)
            }
        }
        let mean = analysis.claimedStandardization.means[strongest]
        let sd = analysis.claimedStandardization.standardDeviations[strongest]
        let slope = fit.coefficients[strongest], intercept = fit.intercept
        let curve = ScatterPlot.Curve(label: "logistic fit: P(reached the cheese), other features at their mean") { x in
            1 / (1 + exp(-(intercept + slope * (x - mean) / sd)))
        }
        let levels = reached.x.count + missed.x.count
        let chart = ScatterPlot(
            series: [ScatterPlot.Series(label: "fitted level: reached the cheese (1, jittered; \(reached.x.count))",
                                        x: reached.x, y: reached.y),
                     ScatterPlot.Series(label: "fitted level: did not (0, jittered; \(missed.x.count))",
                                        x: missed.x, y: missed.y)],
            curves: [curve], title: "Reached the cheese against \(feature) (n = \(levels) fitted levels)",
            xLabel: feature, yLabel: "P(reached the cheese)", yRange: -0.1...1.1)
        return (chart, feature)
    }

    /// The rates, means and medians of the whole table (all levels, not only the fitted ones).
    static func intervals(_ table: CSVTable, run: StatsRun) -> IntervalSummary {
        var summary = IntervalSummary()
        for column in ["reached_cheese", "entered_top_right_5x5"] {
            let values = numbers(table, column)
            summary.rate(column, successes: values.filter { $0 == 1 }.count, trials: values.count)
        }
        summary.distribution("steps", numbers(table, "steps"))
        var columns = ["p_cheese", "p_top_right", "p_cheese_patched", "p_top_right_patched"]
        columns += run.coefficients.dropFirst().map { "p_cheese@\(BehaviourRow.text(Double($0)))" }
        for column in columns where table.columns.contains(column) { summary.distribution(column, numbers(table, column)) }
        return summary
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

            ## All levels (n and 95 % intervals; also in `summary.json`)

            \(intervals(table, run: run).markdown())
            Regressions over \(analysis.rows) levels (\(analysis.filterDescription)); \(analysis.reached) reached the cheese \
            (rate \(analysis.reachedRate.formatted()), Wilson 95 %). Features z-scored with the population standard \
            deviation of those \(analysis.rows) levels.

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

            Mean test accuracy over \(l1.splits) seeded 80/20 splits: **\(l1.testAccuracyInterval.formatted())**; \
            trivial baseline (majority outcome): \(l1.baselineAccuracyInterval.formatted()) (\(analysis.rows) levels; \
            95 % intervals: percentile bootstrap over levels of their pooled test predictions, \(Bootstrap.defaultResamples) \
            resamples, seed \(Bootstrap.defaultSeed); levels are resampled, training sets are not, so they are optimistic).

            ### Drop-one attributes

            Each refit uses the first \(l1.dropOneSplits) of those splits; the full model's test accuracy on the same \
            \(l1.dropOneSplits) splits is the **reference: \(l1.referenceAccuracy.formatted())**. The change is \
            (accuracy without the attribute) − (reference), with a paired 95 % interval (percentile bootstrap over levels \
            of each level's correct predictions without minus with the attribute, pooled over the \(l1.dropOneSplits) \
            splits). An attribute **matters** only when the whole interval lies below 0.

            | attribute | coefficient (all levels) | test accuracy without it | change [95 % interval] | relative change | matters |
            |---|---|---|---|---|---|
            | (none dropped: reference) | – | \(f(l1.referenceAccuracy.estimate)) | – | – | – |

            """
        for drop in l1.dropOne {
            text += "| \(drop.dropped) | \(f(l1.fit.coefficient(drop.dropped))) | \(f(drop.meanTestAccuracy)) | "
                + "\(drop.change.formatted()) | \(f(100 * drop.relativeChange, 2))% | \(drop.matters ? "yes" : "no") |\n"
        }
        text += "\nPlots: `plots/` (histograms, P(toward cheese) by coefficient, reached the cheese against the strongest "
            + "feature over the fitted levels with the fit's curve, the correlation matrix). All numbers: `regression.json`, "
            + "`summary.json`, `seeds.csv`.\n"
        return text
    }
}
