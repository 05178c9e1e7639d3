import ExperimentJobs
import Foundation
import FoundationXML
import OutputFiles
import PolicyExperiments
import Statistics
import TestSupport
import Testing
#if canImport(FoundationXML)
#endif

/// The analysis of `mazerender stats` on the reference table (real game, PyTorch, procgen-tools' metrics) against
/// statsmodels' fit of the same rows.
@Suite("stats report")
struct StatsReportTests {
    /// The reference rows as the `seeds.csv` `stats` would write.
    static func referenceTable() throws -> CSVTable {
        let columns = BehaviourRow.columns(coefficients: [-1])
        let reference = try StatsJobTests.reference()
        let rows = reference.keys.sorted().map { seed -> [String] in
            let row = reference[seed]!
            return columns.map { column in
                guard let number = row[column] as? NSNumber else { return "" }
                return BehaviourRow.text(number.doubleValue)
            }
        }
        return CSVTable(columns: columns, rows: rows)
    }

    @Test("regression.json equals statsmodels on seeds 1000..1999; summary and every plot are written")
    func reportOnReference() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let table = try Self.referenceTable()
        let run = StatsRun(seeds: "1000..1999", shard: nil, maxSteps: 256, sample: nil, coefficients: [-1],
                           model: .init(path: "agent", sha256: "12719b00af08"), columns: table.columns)
        let analysis = try #require(try StatsReport.write(table: table, run: run,
                                                          features: BehaviourAnalysis.claimedFeatures, to: scratch.path))
        #expect(analysis.rows == 516 && analysis.reached == 120)

        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: StatsJobTests.statsDirectory
            .appendingPathComponent("regression_seeds_1000_1999.json"))) as? [String: Any])
        let expected = try #require(reference["a_claimed_logit"] as? [String: Any])
        let written = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("regression.json")))) as? [String: Any])
        let logit = try #require(written["logit"] as? [String: Any])
        for key in ["coefficients", "standard_errors"] {
            let ours = try #require(logit[key] as? [String: Double]), theirs = try #require(expected[key] as? [String: Double])
            #expect(Set(ours.keys) == Set(theirs.keys))
            for (name, value) in theirs { #expect(abs(ours[name]! - value) <= 1e-6 * abs(value), "\(key) \(name)") }
        }
        #expect(abs((logit["log_likelihood"] as! Double) - (expected["log_likelihood"] as! Double)) < 1e-8)
        let l1 = try #require(written["l1"] as? [String: Any])
        #expect((l1["drop_one"] as? [[String: Any]])?.count == 11)
        let accuracy = try #require(l1["mean_test_accuracy"] as? Double), baseline = try #require(l1["mean_baseline_accuracy"] as? Double)
        #expect(accuracy > baseline && baseline > 0.7)

        let summary = try String(contentsOfFile: scratch.file("summary.md"), encoding: .utf8)
        #expect(summary.contains("| euc_dist_cheese_top_right | -3.090 |"))
        let plots = try FileManager.default.contentsOfDirectory(atPath: scratch.file("plots"))
        #expect(plots.filter { $0.hasSuffix(".png") }.count == 19 && plots.filter { $0.hasSuffix(".svg") }.count == 19)
        for svg in plots where svg.hasSuffix(".svg") {
            let parser = XMLParser(contentsOf: URL(fileURLWithPath: scratch.file("plots/\(svg)")))!
            #expect(parser.parse(), "\(svg) is not well-formed XML")
        }
        #expect(plots.contains("p-cheese-vs-euc_dist_cheese_top_right.png"))  // the largest |z| of the four
    }
}

/// What the stats report claims, recomputed from `seeds.csv` (the reference table, seeds 1000..1999).
@Suite("stats report recomputed from the CSV")
struct StatsReportRecomputedTests {
    static func written() throws -> (ScratchFolder, CSVTable, [String: Any]) {
        let scratch = try ScratchFolder()
        let table = try StatsReportTests.referenceTable()
        try table.write(to: scratch.file("seeds.csv"))
        let run = StatsRun(seeds: "1000..1999", shard: nil, maxSteps: 256, sample: nil, coefficients: [-1],
                           model: .init(path: "agent", sha256: "12719b00af08"), columns: table.columns)
        try StatsReport.write(table: table, run: run, features: BehaviourAnalysis.claimedFeatures, to: scratch.path)
        let reread = try CSVTable(parsing: String(contentsOfFile: scratch.file("seeds.csv"), encoding: .utf8), file: "seeds.csv")
        let regression = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("regression.json")))) as? [String: Any])
        return (scratch, reread, regression)
    }

    static func numbers(_ table: CSVTable, _ column: String) -> [Double] { table.column(column)!.compactMap(Double.init) }

    @Test("every rate, mean and median of summary.json / summary.md recomputes from seeds.csv, intervals included")
    func summaryRecomputes() throws {
        let (scratch, table, _) = try Self.written()
        defer { scratch.remove() }
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("summary.json")))) as? [String: Any])
        let entries = try #require(summary["entries"] as? [[String: Any]])
        let markdown = try String(contentsOfFile: scratch.file("summary.md"), encoding: .utf8)
        func interval(_ object: Any?) throws -> ConfidenceInterval {
            let o = try #require(object as? [String: Any])
            return ConfidenceInterval(estimate: o["estimate"] as! Double, lower: o["lower"] as! Double,
                                      upper: o["upper"] as! Double, n: o["n"] as! Int, method: o["method"] as! String)
        }
        #expect(entries.map { $0["quantity"] as? String } == ["reached_cheese", "entered_top_right_5x5", "steps", "p_cheese",
                                                             "p_top_right", "p_cheese_patched", "p_top_right_patched"])
        for entry in entries {
            let name = entry["quantity"] as! String
            let values = Self.numbers(table, name)
            #expect(entry["n"] as? Int == values.count, "\(name)")
            if entry["rate"] != nil {
                let expected = ConfidenceInterval.wilson(successes: values.filter { $0 == 1 }.count, trials: values.count)
                let ours = try interval(entry["rate"])
                #expect(ours.close(to: expected), "\(name)")
                #expect(markdown.contains("| \(name) | \(values.count) | \(values.filter { $0 == 1 }.count)/\(values.count) = "
                    + expected.formatted() + " | – |"))
            } else {
                // Same data, same seed: the identical bootstrap.
                let expected = try #require(Bootstrap.meanAndMedian(values))
                #expect(try interval(entry["mean"]).close(to: expected.mean), "\(name)")
                #expect(try interval(entry["median"]).close(to: expected.median), "\(name)")
                #expect(markdown.contains("| \(name) | \(values.count) | \(expected.mean.formatted()) | \(expected.median.formatted()) |"))
            }
        }
        // The reference table: 1000 levels, 593 reached the cheese (the JSONL's own count).
        #expect(entries[0]["n"] as? Int == 1000)
    }

    /// The plotted curve is the fitted model: standardised with the fitted levels' mean and population SD, so it
    /// crosses 0.5 where intercept + slope · z = 0. The dots are those levels' 0/1 outcomes.
    @Test("the p-cheese plot's curve crosses 0.5 where the fitted model does; its dots are the fitted levels' outcomes")
    func curveIsTheFit() throws {
        let (scratch, table, regression) = try Self.written()
        defer { scratch.remove() }
        let analysis = try BehaviourAnalysis(table: table.columns, rows: table.rows)
        let (chart, feature) = try StatsReport.reachedCurve(analysis, table: table)
        #expect(feature == "euc_dist_cheese_top_right")
        // The fit, from regression.json; its standardisation, recomputed from the CSV's filtered rows.
        let logit = try #require(regression["logit"] as? [String: Any])
        let slope = try #require((logit["coefficients"] as? [String: Double])?[feature])
        let intercept = try #require(logit["intercept"] as? Double)
        let fitted = table.rows.filter { !$0[4].isEmpty && $0[6] == "0" }
        let xs = fitted.map { Double($0[table.columns.firstIndex(of: feature)!])! }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
        let modelCrossing = mean - intercept / slope * sd
        guard case .function(let curve) = try #require(chart.curves.first).shape else {
            Issue.record("the curve is not a function")
            return
        }
        var low = xs.min()! - 10, high = xs.max()! + 10
        #expect((curve(low) - 0.5) * (curve(high) - 0.5) < 0)
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if (curve(low) - 0.5) * (curve(middle) - 0.5) <= 0 { high = middle } else { low = middle }
        }
        #expect(abs((low + high) / 2 - modelCrossing) < 1e-6, "drawn \((low + high) / 2), model \(modelCrossing)")
        // Standardising over every plotted level instead (the old plot) moves the crossing.
        let all = Self.numbers(table, feature)
        let allMean = all.reduce(0, +) / Double(all.count)
        #expect(abs(allMean - mean) > 0.1)

        let outcomes = fitted.map { $0[7] == "1" }
        #expect(chart.series.count == 2)
        #expect(chart.series[0].x.count == outcomes.filter { $0 }.count && chart.series[1].x.count == outcomes.filter { !$0 }.count)
        #expect(chart.series[0].y.allSatisfy { abs($0 - 1) <= 0.04 } && chart.series[1].y.allSatisfy { abs($0) <= 0.04 })
        #expect(chart.series[0].x.sorted() == zip(xs, outcomes).filter { $1 }.map(\.0).sorted())
        #expect(chart.yLabel == "P(reached the cheese)" && chart.title?.contains("n = \(fitted.count)") == true)
    }

    /// The drop-one table shows the full model's accuracy on the same splits (recomputed here from the CSV with
    /// the same seeded splits and solver), and flags an attribute only when its change's interval lies below 0.
    @Test("the drop-one table shows its reference accuracy and flags only drops beyond their interval")
    func dropOneReference() throws {
        let (scratch, table, regression) = try Self.written()
        defer { scratch.remove() }
        let l1 = try #require(regression["l1"] as? [String: Any])
        let reference = try #require(l1["reference_accuracy"] as? [String: Any])
        let referenceAccuracy = try #require(reference["estimate"] as? Double)
        let splitCount = try #require(l1["drop_one_splits"] as? Int)
        #expect(splitCount == 10)

        let fitted = table.rows.filter { !$0[4].isEmpty && $0[6] == "0" }
        let names = BehaviourAnalysis.notebookFeatures
        let raw = fitted.map { row in names.map { Double(row[table.columns.firstIndex(of: $0)!])! } }
        let z = try Standardization.zScores(raw, names: names)
        let outcomes = fitted.map { $0[7] == "1" }
        var total = 0.0
        for split in try SeededSplit.splits(rowCount: fitted.count, count: splitCount) {
            let fit = try L1LogisticRegression.fit(features: split.trainIndices.map { z[$0] },
                                                   outcomes: split.trainIndices.map { outcomes[$0] }, names: names)
            total += Classification.accuracy(predicted: split.testIndices.map { fit.predict(z[$0]) },
                                             actual: split.testIndices.map { outcomes[$0] })
        }
        #expect(abs(total / Double(splitCount) - referenceAccuracy) < 1e-12)

        let markdown = try String(contentsOfFile: scratch.file("summary.md"), encoding: .utf8)
        #expect(markdown.contains(String(format: "| (none dropped: reference) | – | %.3f |", referenceAccuracy)))
        let drops = try #require(l1["drop_one"] as? [[String: Any]])
        var flagged = 0
        for drop in drops {
            let change = try #require(drop["accuracy_change"] as? [String: Any])
            let without = try #require(drop["mean_test_accuracy"] as? Double)
            #expect(abs((change["estimate"] as! Double) - (without - referenceAccuracy)) < 1e-12)
            #expect((change["lower"] as! Double) <= (change["upper"] as! Double))
            let matters = try #require(drop["matters"] as? Bool)
            #expect(matters == ((change["upper"] as! Double) < 0), "\(drop["dropped"]!)")
            if matters { flagged += 1 }
            let row = "| \(drop["dropped"]!) | "
            // The last occurrence: the four claimed attributes also head rows of the logit table above.
            #expect(markdown.contains(row) && markdown.components(separatedBy: row).last!.split(separator: "\n")[0]
                .hasSuffix(matters ? "| yes |" : "| no |"))
        }
        // A drop smaller than its interval's width is not flagged, whatever its relative size.
        #expect(flagged < drops.count)
    }
}

extension ConfidenceInterval {
    /// Equal up to the last bits a JSON round trip (JSONSerialization's number parsing) may change.
    func close(to other: ConfidenceInterval) -> Bool {
        func near(_ a: Double, _ b: Double) -> Bool { a == b || abs(a - b) <= 1e-12 * max(1, abs(a)) }
        return near(estimate, other.estimate) && near(lower, other.lower) && near(upper, other.upper) && n == other.n
            && method == other.method
    }
}
