import Foundation

/// Column-wise z-scoring with the **population** standard deviation (ddof 0, as `scipy.stats.zscore` and the
/// behavioural-statistics notebook use): z = (x − mean) / sqrt(Σ(x − mean)² / n).
public struct Standardization: Codable, Equatable, Sendable {
    public var names: [String]
    public var means: [Double]
    /// Population standard deviations, all > 0.
    public var standardDeviations: [Double]

    /// Learns means and standard deviations from `rows` (n rows of `names.count` values, row-major).
    /// - Throws: `StatisticsError` for an empty or ragged table, a non-finite value, or a constant column.
    /// - Complexity: two passes, O(n·p).
    public init(fitting rows: [[Double]], names: [String]) throws {
        let design = try DesignMatrix(rows, names: names, allowNoColumns: false)
        let n = Double(design.rows), p = design.columns
        var means = [Double](repeating: 0, count: p)
        for i in 0..<design.rows { for j in 0..<p { means[j] += design.values[i * p + j] } }
        means = means.map { $0 / n }
        var squares = [Double](repeating: 0, count: p)
        for i in 0..<design.rows {
            for j in 0..<p {
                let d = design.values[i * p + j] - means[j]
                squares[j] += d * d
            }
        }
        let deviations = squares.map { ($0 / n).squareRoot() }
        for (j, s) in deviations.enumerated() where !(s > 0) { throw StatisticsError.constantColumn(names[j]) }
        self.names = names
        self.means = means
        self.standardDeviations = deviations
    }

    /// z-scores of `rows` (each of `names.count` values) with the learned means and deviations.
    /// - Throws: `StatisticsError.raggedRow` for a row of the wrong length.
    public func transform(_ rows: [[Double]]) throws -> [[Double]] {
        try rows.enumerated().map { index, row in
            guard row.count == names.count else {
                throw StatisticsError.raggedRow(row: index, expected: names.count, found: row.count)
            }
            return (0..<row.count).map { (row[$0] - means[$0]) / standardDeviations[$0] }
        }
    }

    /// Learns from `rows` and returns their z-scores.
    public static func zScores(_ rows: [[Double]], names: [String]) throws -> [[Double]] {
        try Standardization(fitting: rows, names: names).transform(rows)
    }
}
