import ExperimentJobs
import Foundation
import FoundationXML
import OutputFiles
import PolicyExperiments
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
