import Foundation

/// L2-penalised logistic regression with an unpenalised intercept, as scikit-learn's
/// `LogisticRegression(penalty="l2", C=C, class_weight=...)` defines it (its `lbfgs`/`newton-cg` solvers):
///
///     minimise over w, b:  ½·‖w‖² + C·Σᵢ sᵢ·[log(1 + e^ηᵢ) − yᵢ·ηᵢ],   η = X·w + b
///
/// with sample weights `sᵢ` = 1, or for `class_weight="balanced"` `sᵢ = n / (2·n_{class of i})`. Solved by
/// Newton's method (the `NewtonModel` shared with `LogisticRegression`: Hessian `C·XᵀDX + I` on the slopes),
/// with step halving when a full step would not lower the objective, from zero or a given start. The
/// objective is strictly convex in `w`, so the minimiser is unique; scikit-learn's solvers stop at a loose
/// tolerance (their coefficients agree with these to about 1e-4 relative), this one iterates until the
/// gradient vanishes to working precision.
public enum L2LogisticRegression {
    public enum ClassWeight: String, Sendable, Codable {
        /// Every row counts once.
        case none
        /// scikit-learn's "balanced": each class carries half of the total weight.
        case balanced
    }

    /// Fits the model.
    /// - Parameters:
    ///   - features: `rows×columns` values, row-major (no intercept column; added here).
    ///   - outcomes: `rows` labels; both classes must occur.
    ///   - c: scikit-learn's `C` (inverse penalty strength), > 0.
    ///   - start: coefficients and intercept to start from (a fit on fewer columns, padded with zeros, is a
    ///     good start); nil starts at zero.
    /// - Throws: `StatisticsError` for mismatched shapes, non-finite values, a single class or a bad `c`.
    /// - Complexity: per Newton step `rows·columns²/2` multiply-adds (BLAS) and a `columns³/6` Cholesky;
    ///   typically 5–15 steps.
    public static func fit(features: [Double], rows: Int, columns: Int, outcomes: [Bool], c: Double,
                           classWeight: ClassWeight = .none, start: (coefficients: [Double], intercept: Double)? = nil,
                           maximumIterations: Int = 100) throws -> L2LogisticFit {
        guard rows >= 1 else { throw StatisticsError.emptyData("the feature table has no rows") }
        guard features.count == rows * columns else {
            throw StatisticsError.countMismatch(what: "feature values (rows × columns)", expected: rows * columns, found: features.count)
        }
        guard outcomes.count == rows else {
            throw StatisticsError.countMismatch(what: "outcomes (one per row)", expected: rows, found: outcomes.count)
        }
        guard c > 0, c.isFinite else {
            throw StatisticsError.invalidParameter(name: "C", value: "\(c)", reason: "must be a positive number")
        }
        if let index = features.firstIndex(where: { !$0.isFinite }) {
            throw StatisticsError.nonFiniteValue(row: index / max(columns, 1), column: "feature \(index % max(columns, 1))")
        }
        let positives = outcomes.filter { $0 }.count
        guard positives > 0, positives < rows else {
            throw StatisticsError.invalidParameter(
                name: "outcomes", value: "\(positives) of \(rows) positive",
                reason: "both classes must occur in the training rows")
        }
        let k = columns + 1
        var design = [Double](repeating: 1, count: rows * k)
        for i in 0..<rows {
            for j in 0..<columns { design[i * k + j + 1] = features[i * columns + j] }
        }
        var weights: [Double]? = nil
        if classWeight == .balanced {
            let positiveWeight = Double(rows) / (2 * Double(positives))
            let negativeWeight = Double(rows) / (2 * Double(rows - positives))
            weights = outcomes.map { $0 ? positiveWeight : negativeWeight }
        }
        var penalty = [Double](repeating: 1 / c, count: k)
        penalty[0] = 0
        let model = NewtonModel(design: design, outcomes: outcomes.map { $0 ? 1 : 0 }, rows: rows, columns: k,
                                weights: weights, penalty: penalty)

        var theta = [Double](repeating: 0, count: k)
        if let start {
            theta[0] = start.intercept
            for (j, value) in start.coefficients.prefix(columns).enumerated() { theta[j + 1] = value }
        }
        var objective = model.logLikelihood(theta)
        var iterations = 0
        var converged = false
        var gradient = model.gradientAndHessian(theta).0
        while iterations < maximumIterations {
            let (currentGradient, hessian) = model.gradientAndHessian(theta)
            gradient = currentGradient
            let scale = max(1, theta.reduce(0) { max($0, abs($1)) })
            // Converged: the gradient of the (maximised) objective is zero to working precision.
            if gradient.reduce(0, { max($0, abs($1)) }) <= 1e-10 * Double(rows) * scale {
                converged = true
                break
            }
            guard let step = DenseLinearAlgebra.solvePositiveDefinite(hessian, size: k, gradient) else { break }
            var fraction = 1.0
            var candidate = zip(theta, step).map { $0 + $1 }
            var candidateObjective = model.logLikelihood(candidate)
            while !(candidateObjective >= objective) && fraction > 1e-10 {
                fraction /= 2
                candidate = zip(theta, step).map { $0 + fraction * $1 }
                candidateObjective = model.logLikelihood(candidate)
            }
            iterations += 1
            let change = step.reduce(0.0) { max($0, abs(fraction * $1)) }
            guard candidateObjective.isFinite, change.isFinite else { break }
            if !(candidateObjective >= objective) {
                // No progress possible at working precision: the gradient test decides below.
                break
            }
            theta = candidate
            objective = candidateObjective
            if change <= 1e-12 * scale {
                gradient = model.gradientAndHessian(theta).0
                converged = true
                break
            }
        }
        // scikit-learn's objective is −C × (the maximised one); its gradient is −C × ours.
        let sklearnGradient = gradient.reduce(0.0) { max($0, abs(c * $1)) }
        return L2LogisticFit(coefficients: Array(theta.dropFirst()), intercept: theta[0], c: c, classWeight: classWeight,
                             iterations: iterations, converged: converged, gradientMaximum: sklearnGradient)
    }
}

/// The result of `L2LogisticRegression.fit`.
public struct L2LogisticFit: Equatable, Sendable {
    /// One per feature column, in column order.
    public var coefficients: [Double]
    public var intercept: Double
    public var c: Double
    public var classWeight: L2LogisticRegression.ClassWeight
    /// Newton steps taken.
    public var iterations: Int
    public var converged: Bool
    /// max |∂/∂θ| of scikit-learn's objective (½‖w‖² + C·Σ weighted log-loss) at the estimate: ~0 at the optimum.
    public var gradientMaximum: Double

    /// The linear predictor `b + w·x` for one row (its first `coefficients.count` values).
    public func decision(_ row: UnsafeBufferPointer<Double>) -> Double {
        var eta = intercept
        for j in coefficients.indices { eta += coefficients[j] * row[j] }
        return eta
    }

    /// The predicted class: decision > 0 (scikit-learn's `predict`).
    public func predict(_ row: [Double]) -> Bool {
        row.withUnsafeBufferPointer { decision($0) > 0 }
    }
}
