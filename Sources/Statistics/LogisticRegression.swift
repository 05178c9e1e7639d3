import Foundation

/// Maximum-likelihood logistic regression with an intercept, fitted by Newton's method (equivalently IRLS),
/// as statsmodels' `Logit(y, add_constant(X)).fit(method="newton")` fits it.
///
/// The model: P(outcome) = 1 / (1 + exp(-(b₀ + Σⱼ bⱼ·xⱼ))). Newton starts from all-zero coefficients and
/// stops when no coefficient moved by more than `tolerance` in the last step (statsmodels' rule and defaults:
/// 1e-8, at most 35 steps). Standard errors are the square roots of the diagonal of the inverse Fisher
/// information (the negative Hessian of the log-likelihood) at the estimate; z = b / se; p values are two-sided
/// under the standard normal.
///
/// Rank-deficient designs (a column that is an exact linear combination of others and the intercept, e.g.
/// steps cheese→top-right = steps cheese→decision square + steps decision square→top-right in a tree maze):
/// the likelihood has a ridge of maxima. The fit then reports the **minimum-norm** maximiser (Newton steps
/// restricted to the row space of the design, i.e. the Moore–Penrose pseudo-inverse of the Hessian). That is
/// what statsmodels' Newton returns for such a design (its tiny ridge of 1e-10 on the Hessian keeps every step in
/// the row space when started at zero), so coefficients and log-likelihood agree with it. A coefficient whose
/// feature is part of the dependency is not identified: its standard error, z and p value are `nil`
/// (statsmodels prints meaningless or non-finite numbers there) and its name is listed in
/// `LogisticFit.notIdentified`. Coefficients outside the dependency keep well-defined standard errors, equal
/// to those of the model with one dependent column removed.
///
/// Separable data have no maximum-likelihood estimate (coefficients grow without bound). The step count is
/// capped; the fit then comes back with `converged == false` and `perfectlySeparated == true` when the final
/// linear predictor classifies every row correctly.
public enum LogisticRegression {
    /// statsmodels' Newton tolerance: stop when max |Δb| ≤ this.
    public static let defaultTolerance = 1e-8
    /// statsmodels' default step limit for `Logit.fit(method="newton")`.
    public static let defaultMaximumIterations = 35

    /// Fits the model.
    /// - Parameters:
    ///   - features: `n` rows of `p` values (row-major, one row per observation); no intercept column (added here).
    ///   - outcomes: `n` outcomes, `true` = 1.
    ///   - names: `p` feature names, in column order.
    /// - Returns: the fit; coefficient arrays are in `names` order.
    /// - Throws: `StatisticsError` for an empty table, ragged rows, mismatched counts or non-finite values.
    /// - Complexity: one SVD of the `n×(p+1)` design (rank check), then per Newton step O(n·p²).
    public static func fit(
        features: [[Double]], outcomes: [Bool], names: [String],
        tolerance: Double = defaultTolerance, maximumIterations: Int = defaultMaximumIterations
    ) throws -> LogisticFit {
        let design = try DesignMatrix(features, names: names)
        guard outcomes.count == design.rows else {
            throw StatisticsError.countMismatch(what: "outcomes (one per row)", expected: design.rows, found: outcomes.count)
        }
        guard tolerance > 0, maximumIterations >= 1 else {
            throw StatisticsError.invalidParameter(
                name: "tolerance / maximumIterations", value: "\(tolerance) / \(maximumIterations)",
                reason: "the tolerance must be positive and at least one iteration allowed")
        }
        let n = design.rows, columns = design.columns + 1
        // Full design with the intercept as column 0.
        var full = [Double](repeating: 1, count: n * columns)
        for i in 0..<n {
            for j in 0..<design.columns { full[i * columns + j + 1] = design.values[i * design.columns + j] }
        }
        let y = outcomes.map { $0 ? 1.0 : 0.0 }

        // Rank as numpy's matrix_rank decides it: singular values above σ_max · max(n, columns) · eps.
        let svd = DenseLinearAlgebra.singularValueDecomposition(full, rows: n, columns: columns)
        let threshold = (svd.values.max() ?? 0) * Double(max(n, columns)) * Double.ulpOfOne
        let kept = svd.values.indices.filter { svd.values[$0] > threshold }
        let rank = kept.count
        // basis: columns×rank (row-major), the row space of the design; nil when the design has full rank.
        var basis: [Double]? = nil
        var identified = [Bool](repeating: true, count: columns)
        if rank < columns {
            var b = [Double](repeating: 0, count: columns * rank)
            for (c, j) in kept.enumerated() {
                for r in 0..<columns { b[r * rank + c] = svd.vectors[r * columns + j] }
            }
            basis = b
            let dropped = svd.values.indices.filter { svd.values[$0] <= threshold }
            for r in 0..<columns {
                let weight = dropped.reduce(0.0) { $0 + svd.vectors[r * columns + $1] * svd.vectors[r * columns + $1] }
                identified[r] = weight.squareRoot() <= 1e-8
            }
        }
        // Working design: full (n×columns) or full·basis (n×rank).
        let k = rank
        let work: [Double]
        if let basis {
            var w = [Double](repeating: 0, count: n * k)
            for i in 0..<n {
                for c in 0..<k {
                    var sum = 0.0
                    for r in 0..<columns { sum += full[i * columns + r] * basis[r * k + c] }
                    w[i * k + c] = sum
                }
            }
            work = w
        } else {
            work = full
        }
        func toCoefficients(_ gamma: [Double]) -> [Double] {
            guard let basis else { return gamma }
            return (0..<columns).map { r in (0..<k).reduce(0.0) { $0 + basis[r * k + $1] * gamma[$1] } }
        }

        let model = NewtonModel(design: work, outcomes: y, rows: n, columns: k)
        var gamma = [Double](repeating: 0, count: k)
        var logLikelihood = model.logLikelihood(gamma)
        var iterations = 0
        var converged = false
        while iterations < maximumIterations {
            let (gradient, hessian) = model.gradientAndHessian(gamma)
            guard let factor = DenseLinearAlgebra.cholesky(hessian, size: k) else { break }
            let step = DenseLinearAlgebra.solve(cholesky: factor, size: k, gradient)
            // Plain Newton step; halved only if it would lower the likelihood (never in well-posed fits, so
            // the step count matches statsmodels').
            var scale = 1.0
            var candidate = zip(gamma, step).map { $0 + $1 }
            var candidateLikelihood = model.logLikelihood(candidate)
            while !(candidateLikelihood >= logLikelihood - 1e-12 * abs(logLikelihood)) && scale > 1e-6 {
                scale /= 2
                candidate = zip(gamma, step).map { $0 + scale * $1 }
                candidateLikelihood = model.logLikelihood(candidate)
            }
            iterations += 1
            let change = toCoefficients(step).reduce(0.0) { max($0, abs(scale * $1)) }
            guard change.isFinite, candidateLikelihood.isFinite else { break }
            gamma = candidate
            logLikelihood = candidateLikelihood
            if change <= tolerance {
                converged = true
                break
            }
        }

        let coefficients = toCoefficients(gamma)
        // Covariance = basis · H⁻¹ · basisᵀ at the estimate (H the Fisher information in working coordinates).
        var standardErrors = [Double?](repeating: nil, count: columns)
        let (_, hessian) = model.gradientAndHessian(gamma)
        if let factor = DenseLinearAlgebra.cholesky(hessian, size: k) {
            let inverse = DenseLinearAlgebra.inverse(cholesky: factor, size: k)
            for r in 0..<columns where identified[r] {
                var variance = 0.0
                if let basis {
                    for a in 0..<k {
                        for b in 0..<k { variance += basis[r * k + a] * inverse[a * k + b] * basis[r * k + b] }
                    }
                } else {
                    variance = inverse[r * k + r]
                }
                if variance > 0, variance.isFinite { standardErrors[r] = variance.squareRoot() }
            }
        }
        let zValues: [Double?] = zip(coefficients, standardErrors).map { b, se in se.map { b / $0 } }
        let pValues: [Double?] = zValues.map { z in z.map(NormalDistribution.twoSidedPValue) }

        let predictor = (0..<n).map { i in (0..<columns).reduce(0.0) { $0 + full[i * columns + $1] * coefficients[$1] } }
        let separated = zip(predictor, outcomes).allSatisfy { eta, outcome in outcome ? eta > 0 : eta < 0 }
        let positives = y.reduce(0, +)
        let share = positives / Double(n)
        let nullLogLikelihood = (positives > 0 ? positives * log(share) : 0)
            + (positives < Double(n) ? (Double(n) - positives) * log1p(-share) : 0)

        return LogisticFit(
            featureNames: names,
            coefficients: Array(coefficients.dropFirst()), intercept: coefficients[0],
            standardErrors: Array(standardErrors.dropFirst()), interceptStandardError: standardErrors[0],
            zValues: Array(zValues.dropFirst()), interceptZ: zValues[0],
            pValues: Array(pValues.dropFirst()), interceptPValue: pValues[0],
            logLikelihood: model.logLikelihood(gamma), nullLogLikelihood: nullLogLikelihood,
            iterations: iterations, converged: converged, rows: n,
            designRank: rank, designColumns: columns,
            notIdentified: (1..<columns).filter { !identified[$0] }.map { names[$0 - 1] }
                + (identified[0] ? [] : ["intercept"]),
            perfectlySeparated: separated)
    }
}
