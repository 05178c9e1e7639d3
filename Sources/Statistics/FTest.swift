/// One-way analysis-of-variance F statistics for classification targets, as scikit-learn's `f_classif` computes
/// them (and procgen-tools ranks probe features and channels with, through circrl's `f_classif_fixed`).
///
/// For one feature with values `x` split into the classes of the labels: F = (SSB / (k − 1)) / (SSW / (n − k)),
/// where SSB = Σ_classes n_c (mean_c − mean)² is the between-class and SSW = Σ_classes Σ (x − mean_c)² the
/// within-class sum of squares, k the number of classes present and n the number of values. Defined here for
/// two classes (`labels` are Booleans). Degenerate cases are given values instead of NaN, so rankings stay
/// total: a feature that is constant within each class but differs between them scores `+infinity`; a feature
/// constant overall, or data with only one class present, scores 0.
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
}
