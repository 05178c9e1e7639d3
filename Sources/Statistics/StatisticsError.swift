import Foundation

/// Why a statistics routine refused its input. Every case names the row, column or parameter at fault.
public enum StatisticsError: Error, Equatable, CustomStringConvertible {
    /// No rows, or no columns where at least one is needed.
    case emptyData(String)
    /// Row `row` (0-based) has `found` values where every row must have `expected`.
    case raggedRow(row: Int, expected: Int, found: Int)
    /// A count that must match another does not (feature names vs columns, outcomes vs rows).
    case countMismatch(what: String, expected: Int, found: Int)
    /// A NaN or infinity in the data.
    case nonFiniteValue(row: Int, column: String)
    /// A column whose population standard deviation is 0 cannot be z-scored.
    case constantColumn(String)
    /// A parameter outside its allowed range.
    case invalidParameter(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .emptyData(let what):
            return "no data: \(what)"
        case .raggedRow(let row, let expected, let found):
            return "row \(row) has \(found) values; every row must have \(expected) (one per feature)"
        case .countMismatch(let what, let expected, let found):
            return "\(what): expected \(expected), found \(found)"
        case .nonFiniteValue(let row, let column):
            return "row \(row), column '\(column)': value is NaN or infinite; remove the row or fill the value"
        case .constantColumn(let name):
            return "column '\(name)' is constant (standard deviation 0) and cannot be z-scored; leave it out"
        case .invalidParameter(let name, let value, let reason):
            return "\(name) = \(value): \(reason)"
        }
    }
}

/// Checked row-major copy of a design (features only, no intercept column).
struct DesignMatrix {
    let rows: Int
    let columns: Int
    /// values[row * columns + column]
    let values: [Double]

    /// Validates shape and finiteness; `names` labels the columns in error messages.
    init(_ features: [[Double]], names: [String], allowNoColumns: Bool = true) throws {
        guard !features.isEmpty else { throw StatisticsError.emptyData("the feature table has no rows") }
        let columns = names.count
        if !allowNoColumns && columns == 0 { throw StatisticsError.emptyData("no feature columns") }
        var values = [Double]()
        values.reserveCapacity(features.count * columns)
        for (r, row) in features.enumerated() {
            guard row.count == columns else {
                throw StatisticsError.raggedRow(row: r, expected: columns, found: row.count)
            }
            for (c, v) in row.enumerated() {
                guard v.isFinite else { throw StatisticsError.nonFiniteValue(row: r, column: names[c]) }
                values.append(v)
            }
        }
        self.rows = features.count
        self.columns = columns
        self.values = values
    }
}

/// log(1 + exp(t)) without overflow or loss of precision for large |t|.
@inline(__always)
func softplus(_ t: Double) -> Double {
    t > 0 ? t + log1p(exp(-t)) : log1p(exp(t))
}

/// 1 / (1 + exp(-t)), accurate in both tails.
@inline(__always)
func logistic(_ t: Double) -> Double {
    if t >= 0 { return 1 / (1 + exp(-t)) }
    let e = exp(t)
    return e / (1 + e)
}
