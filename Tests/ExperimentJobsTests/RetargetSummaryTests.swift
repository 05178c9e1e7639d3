import ExperimentJobs
import Foundation
import OutputFiles
import PolicyExperiments
import Statistics
import TestSupport
import Testing

/// `mazerender retarget`'s summary, recomputed from its own `retargeting.csv` (bundled agent, a few small levels).
@Suite("retarget summary recomputed from the CSV")
struct RetargetSummaryTests {
    @Test("every condition's n, mean, median and share > 0.5, and every bin, recompute with identical intervals")
    func summaryRecomputes() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let job = RetargetJob(seeds: Array(0...11), seedsText: "0..11", conditions: [.normal, .cheese], maxSize: 9,
                              heatmapLimit: 0, out: scratch.file("out"))
        let result = try job.run(in: SharedFixtures.bundledContext())
        #expect(result.levels >= 2)
        let table = try CSVTable(parsing: String(contentsOfFile: scratch.file("out/retargeting.csv"), encoding: .utf8),
                                 file: "retargeting.csv")
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("out/summary.json")))) as? [String: Any])
        let markdown = try String(contentsOfFile: scratch.file("out/summary.md"), encoding: .utf8)
        let conditions = try #require(json["conditions"] as? [[String: Any]])
        #expect(conditions.map { $0["name"] as? String } == ["normal", "cheese"])
        let conditionColumn = table.column("intervention")!, probability = table.column("probability")!.map { Double($0)! }
        let distance = table.column("d_to_coord")!.map { Int($0)! }
        let width = try #require(json["distance_bin_width"] as? Int)
        func close(_ object: Any?, _ expected: ConfidenceInterval) -> Bool {
            guard let o = object as? [String: Any], let estimate = o["estimate"] as? Double, let lower = o["lower"] as? Double,
                  let upper = o["upper"] as? Double else { return false }
            func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
            return near(estimate, expected.estimate) && near(lower, expected.lower) && near(upper, expected.upper)
                && o["n"] as? Int == expected.n
        }
        for condition in conditions {
            let name = condition["name"] as! String
            let rows = conditionColumn.indices.filter { conditionColumn[$0] == name }
            let values = rows.map { probability[$0] }
            let intervals = try #require(Bootstrap.meanAndMedian(values))
            let above = ConfidenceInterval.wilson(successes: values.filter { $0 > 0.5 }.count, trials: values.count)
            #expect(condition["n"] as? Int == values.count)
            #expect(close(condition["mean"], intervals.mean) && close(condition["median"], intervals.median))
            #expect(close(condition["share_above_half"], above))
            #expect(markdown.contains("| \(name) | \(values.count) | \(intervals.mean.formatted()) | "
                + "\(intervals.median.formatted()) | \(above.formatted()) |"))
            // Bins by distance: n, the mean's interval, and whether the plot draws it (n >= 5).
            let bins = try #require(condition["by_distance"] as? [[String: Any]])
            let keys = Set(rows.map { distance[$0] / width }).sorted()
            #expect(bins.count == keys.count)
            for (bin, key) in zip(bins, keys) {
                let members = rows.filter { distance[$0] / width == key }.map { probability[$0] }
                #expect(bin["lower"] as? Int == key * width && bin["n"] as? Int == members.count)
                #expect(close(bin["mean"], try #require(Bootstrap.meanAndMedian(members)).mean))
                #expect(bin["plotted"] as? Bool == (members.count >= 5))
            }
        }
        #expect(markdown.contains("Wilson score for rates, percentile bootstrap (1000 resamples, SplitMix64 seed 0"))
    }
}
