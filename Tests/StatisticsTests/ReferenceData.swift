import Foundation
import TestSupport
import Statistics

/// `../shared/reference/stats/` beside the package root: seeds 1000..1999 played by the bundled agent
/// (one JSON object per seed) and the statsmodels / scikit-learn fits over them.
enum ReferenceData {
    static let directory = PackagePaths.referenceRoot.appendingPathComponent("stats")

    /// `bundled_seeds_1000_1999.jsonl`, one dictionary per seed (NSNull where undefined).
    /// - Throws: one line naming the file when it is missing or malformed.
    static var seeds: [[String: Any]] { get throws { try seedLines.get() } }
    nonisolated(unsafe) private static let seedLines = Result { try TestSupport.ReferenceData.lines("stats/bundled_seeds_1000_1999.jsonl") }

    /// `regression_seeds_1000_1999.json`.
    static var regression: [String: Any] { get throws { try regressionObject.get() } }
    nonisolated(unsafe) private static let regressionObject = Result { try TestSupport.ReferenceData.object("stats/regression_seeds_1000_1999.json") }

    static func number(_ object: [String: Any], _ key: String) -> Double? {
        (object[key] as? NSNumber)?.doubleValue
    }

    /// procgen-tools' filter: a decision square exists and the cheese lies outside the top-right 5x5.
    static var filteredSeeds: [[String: Any]] {
        get throws { try seeds.filter { number($0, "decision_square_x") != nil && number($0, "cheese_in_top_right_5x5") == 0 } }
    }

    /// One fit's entry in the regression JSON.
    static func fit(_ key: String) throws -> [String: Any] { try regression[key] as! [String: Any] }

    /// The feature columns a fit names, z-scored over the filtered rows, and `reached_cheese`.
    static func design(for key: String) throws -> (names: [String], z: [[Double]], outcomes: [Bool]) {
        let names = try fit(key)["features"] as! [String]
        let rows = try filteredSeeds
        let raw = rows.map { row in names.map { number(row, $0)! } }
        let outcomes = rows.map { number($0, "reached_cheese")! == 1 }
        return (names, try Standardization.zScores(raw, names: names), outcomes)
    }

    /// A `{name: number | null}` object of a fit.
    static func named(_ key: String, _ field: String) throws -> [String: Double?] {
        let object = try fit(key)[field] as! [String: Any]
        return object.mapValues { ($0 as? NSNumber)?.doubleValue }
    }
}

/// |a − b| / max(|b|, floor): a relative difference that stays meaningful for values near 0.
func relativeDifference(_ a: Double, _ b: Double, floor: Double = 1e-3) -> Double {
    abs(a - b) / max(abs(b), floor)
}
