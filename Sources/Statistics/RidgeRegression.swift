import COpenBLAS
import Foundation

/// Ridge regression with an unpenalised intercept, as scikit-learn's `Ridge(alpha=α)` defines it:
///
///     minimise over w, b:  ‖y − X·w − b‖² + α·‖w‖²
///
/// solved in closed form: with `X` and `y` centred on their means, `(XcᵀXc + α·I)·w = Xcᵀyc` by Cholesky, and
/// `b = ȳ − x̄·w` (scikit-learn's `cholesky` solver, the one it picks for dense data).
public enum RidgeRegression {
    /// Fits the model on the first `p` columns for every `p` in `prefixes` at once: the Gram matrix of all
    /// columns is formed once (`dsyrk`) and each fit solves on its leading block, so sweeping K over a ranked
    /// feature list costs one Gram matrix plus one small Cholesky per K.
    /// - Parameters:
    ///   - features: `rows×columns` values, row-major.
    ///   - targets: `rows` values.
    ///   - alpha: α ≥ 0 (0 is least squares, which needs a design of full column rank).
    ///   - prefixes: column counts, each in `1...columns` (default: all columns).
    /// - Returns: one fit per prefix, in `prefixes` order.
    /// - Throws: `StatisticsError` for shapes, non-finite values, a bad α or prefix, or a singular system.
    /// - Complexity: `rows·columns²/2` multiply-adds plus `p³/6` per prefix.
    public static func fit(features: [Double], rows: Int, columns: Int, targets: [Double], alpha: Double,
                           prefixes: [Int]? = nil) throws -> [RidgeFit] {
        guard rows >= 1, columns >= 1 else { throw StatisticsError.emptyData("ridge regression needs rows and columns") }
        guard features.count == rows * columns else {
            throw StatisticsError.countMismatch(what: "feature values (rows × columns)", expected: rows * columns, found: features.count)
        }
        guard targets.count == rows else {
            throw StatisticsError.countMismatch(what: "targets (one per row)", expected: rows, found: targets.count)
        }
        guard alpha >= 0, alpha.isFinite else {
            throw StatisticsError.invalidParameter(name: "alpha", value: "\(alpha)", reason: "must be a number ≥ 0")
        }
        if let index = features.firstIndex(where: { !$0.isFinite }) {
            throw StatisticsError.nonFiniteValue(row: index / columns, column: "feature \(index % columns)")
        }
        if let index = targets.firstIndex(where: { !$0.isFinite }) { throw StatisticsError.nonFiniteValue(row: index, column: "target") }
        let prefixes = prefixes ?? [columns]
        for p in prefixes where !(1...columns).contains(p) {
            throw StatisticsError.invalidParameter(name: "prefix", value: "\(p)", reason: "must lie in 1...\(columns)")
        }
        var means = [Double](repeating: 0, count: columns)
        for i in 0..<rows { for j in 0..<columns { means[j] += features[i * columns + j] } }
        for j in 0..<columns { means[j] /= Double(rows) }
        let targetMean = targets.reduce(0, +) / Double(rows)
        var centred = features
        for i in 0..<rows { for j in 0..<columns { centred[i * columns + j] -= means[j] } }
        let centredTargets = targets.map { $0 - targetMean }
        var gram = [Double](repeating: 0, count: columns * columns)
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(columns), Int32(rows), 1, centred, Int32(columns),
                    0, &gram, Int32(columns))
        var moment = [Double](repeating: 0, count: columns)
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, centred, Int32(columns),
                    centredTargets, 1, 0, &moment, 1)
        return try prefixes.map { p in
            var block = [Double](repeating: 0, count: p * p)
            for a in 0..<p {
                for b in 0...a {
                    block[a * p + b] = gram[a * columns + b]
                    block[b * p + a] = gram[a * columns + b]
                }
                block[a * p + a] += alpha
            }
            guard let weights = DenseLinearAlgebra.solvePositiveDefinite(block, size: p, Array(moment.prefix(p))) else {
                throw StatisticsError.invalidParameter(
                    name: "alpha", value: "\(alpha)",
                    reason: "the first \(p) columns are linearly dependent; use a positive alpha")
            }
            let intercept = targetMean - zip(weights, means).reduce(0) { $0 + $1.0 * $1.1 }
            return RidgeFit(coefficients: weights, intercept: intercept, alpha: alpha)
        }
    }
}

/// The result of `RidgeRegression.fit`.
public struct RidgeFit: Equatable, Sendable {
    /// One per column used, in column order.
    public var coefficients: [Double]
    public var intercept: Double
    public var alpha: Double

    /// `b + w·x` for one row (its first `coefficients.count` values).
    public func predict(_ row: UnsafeBufferPointer<Double>) -> Double {
        var value = intercept
        for j in coefficients.indices { value += coefficients[j] * row[j] }
        return value
    }

    public func predict(_ row: [Double]) -> Double { row.withUnsafeBufferPointer { predict($0) } }
}

/// Regression scores.
public enum Regression {
    /// The coefficient of determination `1 − Σ(y − ŷ)² / Σ(y − ȳ)²` (scikit-learn's `r2_score`, which `Ridge.score`
    /// reports); for constant `actual` it is 1 when every prediction is exact and 0 otherwise (scikit-learn's
    /// `force_finite`). Precondition: equal, non-zero lengths.
    public static func rSquared(predicted: [Double], actual: [Double]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "R² needs equal, non-empty lists")
        let mean = actual.reduce(0, +) / Double(actual.count)
        var residual = 0.0, total = 0.0
        for (p, y) in zip(predicted, actual) {
            residual += (y - p) * (y - p)
            total += (y - mean) * (y - mean)
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }
}
