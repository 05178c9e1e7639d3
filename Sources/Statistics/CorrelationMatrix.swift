import Foundation

/// Pearson correlations between columns, `values[a][b]` for columns a and b (symmetric, 1 on the diagonal).
/// A pair involving a constant column has no correlation: NaN there (as pandas' `DataFrame.corr`), encoded
/// as `null` in JSON.
public struct CorrelationMatrix: Codable, Equatable, Sendable {
    public var names: [String]
    public var values: [[Double]]

    /// - Parameter rows: n rows of `names.count` values (row-major).
    /// - Throws: `StatisticsError` for an empty or ragged table or a non-finite value.
    /// - Complexity: O(n·p²).
    public init(rows: [[Double]], names: [String]) throws {
        let design = try DesignMatrix(rows, names: names, allowNoColumns: false)
        let n = design.rows, p = design.columns
        var means = [Double](repeating: 0, count: p)
        for i in 0..<n { for j in 0..<p { means[j] += design.values[i * p + j] } }
        means = means.map { $0 / Double(n) }
        var products = [Double](repeating: 0, count: p * p)
        for i in 0..<n {
            for a in 0..<p {
                let da = design.values[i * p + a] - means[a]
                for b in 0...a { products[a * p + b] += da * (design.values[i * p + b] - means[b]) }
            }
        }
        var values = [[Double]](repeating: [Double](repeating: .nan, count: p), count: p)
        for a in 0..<p {
            for b in 0...a {
                let denominator = (products[a * p + a] * products[b * p + b]).squareRoot()
                var r = denominator > 0 ? products[a * p + b] / denominator : .nan
                if a == b, denominator > 0 { r = 1 }
                r = r.isNaN ? r : min(1, max(-1, r))
                values[a][b] = r
                values[b][a] = r
            }
        }
        self.names = names
        self.values = values
    }

    /// The correlation of two named columns, nil if either name is unknown.
    public func correlation(_ first: String, _ second: String) -> Double? {
        guard let a = names.firstIndex(of: first), let b = names.firstIndex(of: second) else { return nil }
        return values[a][b]
    }

    enum CodingKeys: String, CodingKey { case names, values }

    public init(names: [String], values: [[Double]]) {
        self.names = names
        self.values = values
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(names, forKey: .names)
        try container.encode(values.map { row in row.map { $0.isNaN ? nil : $0 } }, forKey: .values)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        names = try container.decode([String].self, forKey: .names)
        values = try container.decode([[Double?]].self, forKey: .values).map { $0.map { $0 ?? .nan } }
    }
}
