import Foundation

/// L1-regularised logistic regression with liblinear's objective, as scikit-learn's
/// `LogisticRegression(penalty="l1", solver="liblinear", C=c)` (intercept_scaling 1) poses it:
///
///     minimise over w, b:   |w|₁ + |b| + C · Σᵢ log(1 + exp(−yᵢ · (w·xᵢ + b·s)))     (yᵢ = ±1, s = interceptScaling)
///
/// liblinear appends a constant feature of value `s` to every row and penalises its weight like any other,
/// so the intercept (b·s) is shrunk too (scikit-learn's documentation: "the synthetic feature weight is
/// subject to l1/l2 regularization as all other features").
///
/// Solver: proximal Newton in the manner of GLMNET/newGLMNET. Each outer step builds the quadratic model of the
/// smooth part (gradient and Hessian, O(n·k²) for k = p + 1), minimises quadratic + L1 by cyclic coordinate
/// descent with soft-thresholding (cheap: O(k²) per sweep), then backtracks along the direction until the
/// objective decreases sufficiently (Armijo rule on the L1-composite model). It stops when the minimum-norm
/// subgradient of the objective is below `tolerance` in every coordinate, i.e. at the optimum to working
/// precision. liblinear stops much earlier (relative tolerance 1e-4 on the subgradient's 1-norm), so
/// scikit-learn's coefficients sit about 1e-4 from the exact optimum computed here.
public enum L1LogisticRegression {
    /// Fits the model.
    /// - Parameters:
    ///   - features: `n` rows of `p` values (row-major); no bias column (appended here with value `interceptScaling`).
    ///   - outcomes: `n` outcomes, `true` the positive class (scikit-learn's larger label).
    ///   - names: `p` feature names.
    ///   - c: inverse regularisation strength, > 0.
    ///   - tolerance: stop when every coordinate of the minimum-norm subgradient is at most this.
    /// - Complexity: O(n·k²) per outer step, typically 5–15 steps; k = p + 1.
    public static func fit(
        features: [[Double]], outcomes: [Bool], names: [String], c: Double = 1, interceptScaling: Double = 1,
        tolerance: Double = 1e-9, maximumIterations: Int = 200
    ) throws -> L1LogisticFit {
        let design = try DesignMatrix(features, names: names)
        guard outcomes.count == design.rows else {
            throw StatisticsError.countMismatch(what: "outcomes (one per row)", expected: design.rows, found: outcomes.count)
        }
        guard c > 0, c.isFinite else {
            throw StatisticsError.invalidParameter(name: "C", value: "\(c)", reason: "must be a positive finite number")
        }
        guard interceptScaling > 0, interceptScaling.isFinite else {
            throw StatisticsError.invalidParameter(
                name: "interceptScaling", value: "\(interceptScaling)", reason: "must be a positive finite number")
        }
        let n = design.rows, p = design.columns, k = p + 1
        // Row-major n×k with the bias feature last, as liblinear stores it.
        var x = [Double](repeating: interceptScaling, count: n * k)
        for i in 0..<n { for j in 0..<p { x[i * k + j] = design.values[i * p + j] } }
        let y = outcomes.map { $0 ? 1.0 : -1.0 }

        var w = [Double](repeating: 0, count: k)
        var margins = [Double](repeating: 0, count: n)  // w·xᵢ
        func objective(_ margins: [Double], _ w: [Double]) -> Double {
            var loss = 0.0
            for i in 0..<n { loss += softplus(-y[i] * margins[i]) }
            return w.reduce(0) { $0 + abs($1) } + c * loss
        }
        var value = objective(margins, w)
        var iterations = 0
        var converged = false
        var violation = Double.infinity
        while iterations < maximumIterations {
            // Gradient and Hessian of C·Σ log(1 + exp(−y·m)).
            var gradient = [Double](repeating: 0, count: k)
            var hessian = [Double](repeating: 0, count: k * k)
            for i in 0..<n {
                let sigma = logistic(-y[i] * margins[i])  // 1 − P(yᵢ | xᵢ)
                let g = -c * y[i] * sigma
                let h = c * sigma * (1 - sigma)
                for a in 0..<k {
                    let xa = x[i * k + a]
                    gradient[a] += g * xa
                    for b in 0...a { hessian[a * k + b] += h * xa * x[i * k + b] }
                }
            }
            for a in 0..<k { for b in 0..<a { hessian[b * k + a] = hessian[a * k + b] } }
            violation = minimumNormSubgradient(gradient: gradient, weights: w).reduce(0) { max($0, abs($1)) }
            if violation <= tolerance {
                converged = true
                break
            }
            iterations += 1
            let direction = quadraticL1Direction(gradient: gradient, hessian: hessian, weights: w)
            // Armijo backtracking on F(w + t·d) − F(w) ≤ σ·t·Δ, Δ = ∇·d + |w + d|₁ − |w|₁ (< 0 for a descent).
            let l1 = w.reduce(0) { $0 + abs($1) }
            var delta = zip(gradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            delta += zip(w, direction).reduce(0) { $0 + abs($1.0 + $1.1) } - l1
            let directionMargins = (0..<n).map { i in (0..<k).reduce(0.0) { $0 + x[i * k + $1] * direction[$1] } }
            var step = 1.0
            var accepted = false
            for _ in 0..<60 {
                let trialWeights = zip(w, direction).map { $0 + step * $1 }
                let trialMargins = zip(margins, directionMargins).map { $0 + step * $1 }
                let trial = objective(trialMargins, trialWeights)
                if trial - value <= 0.01 * step * delta || (delta > -1e-15 * max(1, abs(value)) && trial <= value) {
                    w = trialWeights
                    margins = trialMargins
                    value = trial
                    accepted = true
                    break
                }
                step /= 2
            }
            if !accepted { break }  // no decrease possible at working precision
        }
        return L1LogisticFit(
            featureNames: names, coefficients: Array(w.prefix(p)), intercept: w[p] * interceptScaling,
            c: c, interceptScaling: interceptScaling, objective: value, iterations: iterations,
            converged: converged, maximumSubgradient: violation, rows: n)
    }

    /// The objective and the minimum-norm subgradient (k = p + 1 values, the bias last) at given weights, e.g. to
    /// measure how far another solver's answer is from the optimum. Same conventions and checks as `fit`.
    /// - Complexity: O(n·p).
    public static func evaluate(
        features: [[Double]], outcomes: [Bool], names: [String], coefficients: [Double], intercept: Double,
        c: Double = 1, interceptScaling: Double = 1
    ) throws -> (objective: Double, subgradient: [Double]) {
        let design = try DesignMatrix(features, names: names)
        guard outcomes.count == design.rows, coefficients.count == design.columns else {
            throw StatisticsError.countMismatch(
                what: "outcomes / coefficients", expected: design.rows, found: outcomes.count)
        }
        let p = design.columns
        let w = coefficients + [intercept / interceptScaling]
        var gradient = [Double](repeating: 0, count: p + 1)
        var loss = 0.0
        for i in 0..<design.rows {
            let y = outcomes[i] ? 1.0 : -1.0
            var margin = intercept
            for j in 0..<p { margin += design.values[i * p + j] * coefficients[j] }
            loss += softplus(-y * margin)
            let g = -c * y * logistic(-y * margin)
            for j in 0..<p { gradient[j] += g * design.values[i * p + j] }
            gradient[p] += g * interceptScaling
        }
        let objective = w.reduce(0) { $0 + abs($1) } + c * loss
        return (objective, minimumNormSubgradient(gradient: gradient, weights: w))
    }

    /// Minimum-norm subgradient of |w|₁ + L at w given ∇L: ∇ⱼ + sign(wⱼ) where wⱼ ≠ 0, else the amount by which
    /// |∇ⱼ| exceeds 1 (0 when zero is optimal for that coordinate).
    static func minimumNormSubgradient(gradient: [Double], weights: [Double]) -> [Double] {
        zip(gradient, weights).map { g, w in
            if w > 0 { return g + 1 }
            if w < 0 { return g - 1 }
            return max(abs(g) - 1, 0) * (g > 0 ? 1 : -1)
        }
    }

    /// Minimises ∇·d + ½·dᵀHd + |w + d|₁ over d by cyclic coordinate descent (soft-thresholding), to near
    /// machine precision or 10,000 sweeps. `hessian` is `k×k` row-major; a 1e-12 floor on its diagonal keeps
    /// each coordinate step defined (liblinear does the same).
    static func quadraticL1Direction(gradient: [Double], hessian: [Double], weights: [Double]) -> [Double] {
        let k = gradient.count
        var d = [Double](repeating: 0, count: k)
        var hd = [Double](repeating: 0, count: k)  // H·d
        for _ in 0..<10_000 {
            var largest = 0.0
            var size = 0.0
            for j in 0..<k {
                let a = max(hessian[j * k + j], 1e-12)
                let b = gradient[j] + hd[j]  // derivative of the smooth part in dⱼ at the current d
                // Minimise ½a·z² + b·z + |wⱼ + dⱼ + z|: the new wⱼ + dⱼ is soft(wⱼ + dⱼ − b/a, 1/a).
                let current = weights[j] + d[j]
                let target = current - b / a
                let shrunk = target > 1 / a ? target - 1 / a : (target < -1 / a ? target + 1 / a : 0)
                let z = shrunk - current
                if z != 0 {
                    d[j] += z
                    for m in 0..<k { hd[m] += hessian[m * k + j] * z }
                }
                largest = max(largest, abs(z))
                size = max(size, abs(weights[j] + d[j]))
            }
            if largest <= 1e-15 * max(1, size) { break }
        }
        return d
    }
}

/// The result of `L1LogisticRegression.fit`. Codable as `{"features": [...], "coefficients": {...}, "intercept": v,
/// "c": v, "intercept_scaling": v, "objective": v, "iterations": n, "converged": b, "maximum_subgradient": v,
/// "rows": n}`, coefficients keyed by feature name (`features` gives the order).
public struct L1LogisticFit: Codable, Equatable, Sendable {
    public var featureNames: [String]
    public var coefficients: [Double]
    /// The decision function's constant: bias weight × intercept scaling.
    public var intercept: Double
    public var c: Double
    public var interceptScaling: Double
    /// The minimised objective |w|₁ + |b| + C·Σ log(1 + exp(−y·f(x))).
    public var objective: Double
    /// Proximal-Newton steps taken.
    public var iterations: Int
    public var converged: Bool
    /// Largest coordinate of the minimum-norm subgradient at the returned weights (0 at the exact optimum).
    public var maximumSubgradient: Double
    public var rows: Int

    /// Decision function w·x + intercept for one row of `featureNames.count` values.
    public func decision(_ row: [Double]) -> Double {
        precondition(row.count == coefficients.count, "a row needs \(coefficients.count) values")
        return zip(row, coefficients).reduce(intercept) { $0 + $1.0 * $1.1 }
    }

    /// P(outcome) = logistic(decision).
    public func probability(_ row: [Double]) -> Double { logistic(decision(row)) }

    /// Predicted outcome: decision > 0 (scikit-learn's `predict`).
    public func predict(_ row: [Double]) -> Bool { decision(row) > 0 }

    public func coefficient(_ name: String) -> Double? {
        featureNames.firstIndex(of: name).map { coefficients[$0] }
    }

    enum CodingKeys: String, CodingKey {
        case features, coefficients, intercept, c, interceptScaling = "intercept_scaling", objective, iterations
        case converged, maximumSubgradient = "maximum_subgradient", rows
    }

    public init(
        featureNames: [String], coefficients: [Double], intercept: Double, c: Double, interceptScaling: Double,
        objective: Double, iterations: Int, converged: Bool, maximumSubgradient: Double, rows: Int
    ) {
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.c = c
        self.interceptScaling = interceptScaling
        self.objective = objective
        self.iterations = iterations
        self.converged = converged
        self.maximumSubgradient = maximumSubgradient
        self.rows = rows
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureNames, forKey: .features)
        try container.encodeNamed(coefficients.map { Optional($0) }, names: featureNames, forKey: .coefficients)
        try container.encode(intercept, forKey: .intercept)
        try container.encode(c, forKey: .c)
        try container.encode(interceptScaling, forKey: .interceptScaling)
        try container.encode(objective, forKey: .objective)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(converged, forKey: .converged)
        try container.encode(maximumSubgradient, forKey: .maximumSubgradient)
        try container.encode(rows, forKey: .rows)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        featureNames = try container.decode([String].self, forKey: .features)
        coefficients = try container.decodeNamed(names: featureNames, forKey: .coefficients).map { $0 ?? .nan }
        intercept = try container.decode(Double.self, forKey: .intercept)
        c = try container.decode(Double.self, forKey: .c)
        interceptScaling = try container.decode(Double.self, forKey: .interceptScaling)
        objective = try container.decode(Double.self, forKey: .objective)
        iterations = try container.decode(Int.self, forKey: .iterations)
        converged = try container.decode(Bool.self, forKey: .converged)
        maximumSubgradient = try container.decode(Double.self, forKey: .maximumSubgradient)
        rows = try container.decode(Int.self, forKey: .rows)
    }
}
