import Foundation
import Statistics

/// `../shared/reference/stats/` beside the package root: seeds 1000..1999 played by the bundled agent
/// (one JSON object per seed) and the statsmodels / scikit-learn fits over them.
enum ReferenceData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/stats")

    /// `bundled_seeds_1000_1999.jsonl`, one dictionary per seed (NSNull where undefined).
    nonisolated(unsafe) static let seeds: [[String: Any]] = {
        let url = directory.appendingPathComponent("bundled_seeds_1000_1999.jsonl")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }()

    /// `regression_seeds_1000_1999.json`.
    nonisolated(unsafe) static let regression: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("regression_seeds_1000_1999.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func number(_ object: [String: Any], _ key: String) -> Double? {
        (object[key] as? NSNumber)?.doubleValue
    }

    /// procgen-tools' filter: a decision square exists and the cheese lies outside the top-right 5x5.
    static var filteredSeeds: [[String: Any]] {
        seeds.filter { number($0, "decision_square_x") != nil && number($0, "cheese_in_top_right_5x5") == 0 }
    }

    /// One fit's entry in the regression JSON.
    static func fit(_ key: String) -> [String: Any] { regression[key] as! [String: Any] }

    /// The feature columns a fit names, z-scored over the filtered rows, and `reached_cheese`.
    static func design(for key: String) throws -> (names: [String], z: [[Double]], outcomes: [Bool]) {
        let names = fit(key)["features"] as! [String]
        let rows = filteredSeeds
        let raw = rows.map { row in names.map { number(row, $0)! } }
        let outcomes = rows.map { number($0, "reached_cheese")! == 1 }
        return (names, try Standardization.zScores(raw, names: names), outcomes)
    }

    /// A `{name: number | null}` object of a fit.
    static func named(_ key: String, _ field: String) -> [String: Double?] {
        let object = fit(key)[field] as! [String: Any]
        return object.mapValues { ($0 as? NSNumber)?.doubleValue }
    }
}

/// |a − b| / max(|b|, floor): a relative difference that stays meaningful for values near 0.
func relativeDifference(_ a: Double, _ b: Double, floor: Double = 1e-3) -> Double {
    abs(a - b) / max(abs(b), floor)
}
