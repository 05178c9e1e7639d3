import Foundation

/// Per-feature F statistics accumulated in one streaming pass over rows, for ranking features of a table too
/// big to hold (probes over 10,000 observations of a layer with 65,536 activations): memory is a few `Double`s
/// per feature and target, whatever the number of rows.
///
/// Definitions (scikit-learn's, for ranking):
/// - **classification** (`f_classif`, two classes): the one-way ANOVA F of the feature across the two classes,
///   `F = SS_between / (SS_within / (n − 2))`;
/// - **regression** (`f_regression`, `center=True`): with `r` the Pearson correlation of feature and target,
///   `F = r² / (1 − r²) · (n − 2)`.
///
/// Degenerate features: a feature constant over the rows scores 0 (scikit-learn's `f_regression` does the same
/// with `force_finite`; its `f_classif` returns NaN, and procgen-tools' probes nudged the first row by 1e-6 to
/// avoid that); a feature that separates the classes perfectly (no within-class spread) scores +∞, as in
/// `f_classif`; a feature perfectly correlated with the target scores `Double.greatestFiniteMagnitude`, as in
/// `f_regression`. Values are summed as deviations from a reference row (any row of the data, the first say),
/// so constant features give exact zeros and large offsets cost no precision.
public struct FTestAccumulator: Sendable {
    public let featureCount: Int
    public let classificationTargets: Int
    public let regressionTargets: Int
    public private(set) var rows = 0

    private let reference: [Double]
    private var sum: [Double]
    private var squares: [Double]
    /// Per classification target: count and per-feature sums over the positive rows.
    private var positiveRows: [Int]
    private var positiveSum: [[Double]]
    private var positiveSquares: [[Double]]
    /// Per regression target: Σy, Σy² and per-feature Σ d·y.
    private var targetSum: [Double]
    private var targetSquares: [Double]
    private var cross: [[Double]]

    /// - Parameter reference: one value per feature subtracted before summing (a row of the data).
    public init(reference: [Double], classificationTargets: Int, regressionTargets: Int) {
        featureCount = reference.count
        self.classificationTargets = classificationTargets
        self.regressionTargets = regressionTargets
        self.reference = reference
        sum = [Double](repeating: 0, count: reference.count)
        squares = sum
        positiveRows = [Int](repeating: 0, count: classificationTargets)
        positiveSum = Array(repeating: sum, count: classificationTargets)
        positiveSquares = positiveSum
        targetSum = [Double](repeating: 0, count: regressionTargets)
        targetSquares = targetSum
        cross = Array(repeating: sum, count: regressionTargets)
    }

    /// Adds one row. Precondition: `row.count == featureCount`, one label per classification target and one
    /// value per regression target. Cost: `featureCount · (2 + 2·positive labels + regression targets)` adds.
    public mutating func add(_ row: UnsafeBufferPointer<Float>, labels: [Bool], values: [Double]) {
        precondition(row.count == featureCount && labels.count == classificationTargets
                     && values.count == regressionTargets, "FTestAccumulator.add: wrong row shape")
        rows += 1
        let f = featureCount
        reference.withUnsafeBufferPointer { reference in
            sum.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for j in 0..<f {
                        let d = Double(row[j]) - reference[j]
                        s[j] += d
                        q[j] += d * d
                    }
                }
            }
            for (t, label) in labels.enumerated() where label {
                positiveRows[t] += 1
                positiveSum[t].withUnsafeMutableBufferPointer { s in
                    positiveSquares[t].withUnsafeMutableBufferPointer { q in
                        for j in 0..<f {
                            let d = Double(row[j]) - reference[j]
                            s[j] += d
                            q[j] += d * d
                        }
                    }
                }
            }
            for (t, y) in values.enumerated() {
                targetSum[t] += y
                targetSquares[t] += y * y
                cross[t].withUnsafeMutableBufferPointer { c in
                    for j in 0..<f { c[j] += (Double(row[j]) - reference[j]) * y }
                }
            }
        }
    }

    /// Two-class ANOVA F per feature for classification target `target`; all zero when a class is empty.
    public func classificationScores(target: Int) -> [Double] {
        let n = Double(rows), n1 = Double(positiveRows[target]), n0 = n - n1
        guard n1 > 0, n0 > 0, rows > 2 else { return [Double](repeating: 0, count: featureCount) }
        return (0..<featureCount).map { j in
            let s = sum[j], q = squares[j], s1 = positiveSum[target][j], s0 = s - s1
            let total = q - s * s / n
            if !(total > 64 * Double.ulpOfOne * q) { return 0 }
            let q1 = positiveSquares[target][j], q0 = q - q1
            let within = max(0, (q1 - s1 * s1 / n1) + (q0 - s0 * s0 / n0))
            let between = max(0, total - within)
            if !(within > 64 * Double.ulpOfOne * q) { return .infinity }
            return between / (within / (n - 2))
        }
    }

    /// `r²/(1 − r²)·(n − 2)` per feature for regression target `target`; all zero for a constant target.
    public func regressionScores(target: Int) -> [Double] {
        let n = Double(rows)
        let yy = targetSquares[target] - targetSum[target] * targetSum[target] / n
        guard rows > 2, yy > 64 * Double.ulpOfOne * targetSquares[target] else {
            return [Double](repeating: 0, count: featureCount)
        }
        return (0..<featureCount).map { j in
            let s = sum[j], q = squares[j]
            let xx = q - s * s / n
            if !(xx > 64 * Double.ulpOfOne * q) { return 0 }
            let xy = cross[target][j] - s * targetSum[target] / n
            let r2 = min(1, xy * xy / (xx * yy))
            if r2 >= 1 - 64 * Double.ulpOfOne { return .greatestFiniteMagnitude }
            return r2 / (1 - r2) * (n - 2)
        }
    }
}

/// One-way analysis-of-variance F statistics for classification targets, as scikit-learn's `f_classif` computes
/// them (and procgen-tools ranks probe features and channels with, through circrl's `f_classif_fixed`).
///
/// For one feature with values `x` split into the classes of the labels: F = (SSB / (k − 1)) / (SSW / (n − k)),
/// where SSB = Σ_classes n_c (mean_c − mean)² is the between-class and SSW = Σ_classes Σ (x − mean_c)² the
/// within-class sum of squares, k the number of classes present and n the number of values. Defined here for
/// two classes (`labels` are Booleans). Degenerate cases are given values instead of NaN, so rankings stay
/// total: a feature that is constant within each class but differs between them scores `+infinity`; a feature
/// constant overall, or data with only one class present, scores 0. The streamed `FTestAccumulator` computes the
/// same statistic (and `f_regression`'s) without holding the data; the two agree to rounding (tested).
public enum FTest {
    /// F for one feature. - Complexity: O(n), one pass, in Double.
    /// - Throws: `StatisticsError.countMismatch` when the counts differ, `.emptyData` for fewer than 3 values,
    ///   `.nonFiniteValue` for NaN or infinity.
    public static func classification(values: [Double], labels: [Bool]) throws -> Double {
        guard values.count == labels.count else {
            throw StatisticsError.countMismatch(what: "labels (one per value)", expected: values.count, found: labels.count)
        }
        guard values.count >= 3 else { throw StatisticsError.emptyData("an F test needs at least 3 values") }
        var sum = [0.0, 0.0], count = [0, 0]
        for (index, value) in values.enumerated() {
            guard value.isFinite else { throw StatisticsError.nonFiniteValue(row: index, column: "value") }
            let group = labels[index] ? 1 : 0
            sum[group] += value
            count[group] += 1
        }
        guard count[0] > 0, count[1] > 0 else { return 0 }
        let means = [sum[0] / Double(count[0]), sum[1] / Double(count[1])]
        let mean = (sum[0] + sum[1]) / Double(values.count)
        var within = 0.0
        for (index, value) in values.enumerated() {
            let deviation = value - means[labels[index] ? 1 : 0]
            within += deviation * deviation
        }
        let between = Double(count[0]) * (means[0] - mean) * (means[0] - mean)
            + Double(count[1]) * (means[1] - mean) * (means[1] - mean)
        let degreesWithin = Double(values.count - 2)
        if within <= 0 { return between > 0 ? .infinity : 0 }
        return between / (within / degreesWithin)
    }

    /// F for each column of `rows` (`n` rows of `p` features) against `labels`.
    /// - Throws: as `classification(values:labels:)`, and `.raggedRow`.
    public static func classification(rows: [[Double]], labels: [Bool]) throws -> [Double] {
        guard let width = rows.first?.count else { throw StatisticsError.emptyData("no rows") }
        for (index, row) in rows.enumerated() where row.count != width {
            throw StatisticsError.raggedRow(row: index, expected: width, found: row.count)
        }
        return try (0..<width).map { column in try classification(values: rows.map { $0[column] }, labels: labels) }
    }

    /// The indices of the `count` highest scores, best first; ties go to the lower index, NaN ranks last.
    /// Cost: O(F log F).
    public static func topIndices(_ scores: [Double], count: Int) -> [Int] {
        let order = scores.indices.sorted { a, b in
            let x = scores[a].isNaN ? -Double.infinity : scores[a], y = scores[b].isNaN ? -Double.infinity : scores[b]
            return x != y ? x > y : a < b
        }
        return Array(order.prefix(max(0, count)))
    }

    /// `f_classif` per column of an in-memory table (`rows` of equal length). Convenience over `FTestAccumulator`.
    public static func classification(_ rows: [[Float]], labels: [Bool]) -> [Double] {
        precondition(rows.count == labels.count && !rows.isEmpty, "one label per row")
        var accumulator = FTestAccumulator(reference: rows[0].map(Double.init), classificationTargets: 1, regressionTargets: 0)
        for (row, label) in zip(rows, labels) { row.withUnsafeBufferPointer { accumulator.add($0, labels: [label], values: []) } }
        return accumulator.classificationScores(target: 0)
    }

    /// `f_regression` per column of an in-memory table. Convenience over `FTestAccumulator`.
    public static func regression(_ rows: [[Float]], targets: [Double]) -> [Double] {
        precondition(rows.count == targets.count && !rows.isEmpty, "one target per row")
        var accumulator = FTestAccumulator(reference: rows[0].map(Double.init), classificationTargets: 0, regressionTargets: 1)
        for (row, y) in zip(rows, targets) { row.withUnsafeBufferPointer { accumulator.add($0, labels: [], values: [y]) } }
        return accumulator.regressionScores(target: 0)
    }
}
