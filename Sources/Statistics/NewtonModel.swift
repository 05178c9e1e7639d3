import COpenBLAS
import Foundation

/// The (weighted, optionally L2-penalised) logistic log-likelihood on a fixed `n×k` design, with its gradient
/// and negative Hessian: what both Newton solvers (`LogisticRegression`, `L2LogisticRegression`) step with.
///
/// Objective (maximised): `Σᵢ sᵢ·(yᵢ·ηᵢ − log(1 + e^ηᵢ)) − ½·Σⱼ λⱼ·θⱼ²` with `η = X·θ`, sample weights `s`
/// (all 1 when nil) and per-coefficient penalties `λ` (all 0 when nil; 0 for an unpenalised intercept column).
/// Matrix products go through OpenBLAS (`dgemv`, `dsyrk`) so designs with a thousand columns stay fast;
/// results then differ from a plain loop in the last bits only.
struct NewtonModel {
    /// `n×k`, row-major.
    let design: [Double]
    let outcomes: [Double]
    let rows: Int
    let columns: Int
    let weights: [Double]?
    let penalty: [Double]?

    init(design: [Double], outcomes: [Double], rows: Int, columns: Int, weights: [Double]? = nil, penalty: [Double]? = nil) {
        precondition(design.count == rows * columns && outcomes.count == rows, "NewtonModel: shapes disagree")
        self.design = design
        self.outcomes = outcomes
        self.rows = rows
        self.columns = columns
        self.weights = weights
        self.penalty = penalty
    }

    /// `η = X·θ` (n values). Cost: one `dgemv`, n·k multiply-adds.
    func predictors(_ parameters: [Double]) -> [Double] {
        var eta = [Double](repeating: 0, count: rows)
        guard rows > 0, columns > 0 else { return eta }
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, design, Int32(columns),
                    parameters, 1, 0, &eta, 1)
        return eta
    }

    /// The penalised, weighted log-likelihood. Cost O(n·k).
    func logLikelihood(_ parameters: [Double]) -> Double {
        let eta = predictors(parameters)
        var total = 0.0
        for i in 0..<rows {
            let term = outcomes[i] * eta[i] - softplus(eta[i])
            total += (weights?[i] ?? 1) * term
        }
        if let penalty {
            for j in 0..<columns { total -= 0.5 * penalty[j] * parameters[j] * parameters[j] }
        }
        return total
    }

    /// Gradient `Xᵀ(s∘(y − p)) − λ∘θ` (k) and negative Hessian `XᵀDX + diag(λ)` with `D = s·p(1 − p)`
    /// (`k×k` row-major, both triangles filled). Cost: n·k²/2 multiply-adds in `dsyrk`, plus an `n×k` copy.
    func gradientAndHessian(_ parameters: [Double]) -> ([Double], [Double]) {
        let k = columns, n = rows
        let eta = predictors(parameters)
        var residual = [Double](repeating: 0, count: n)
        var scaled = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            let probability = logistic(eta[i])
            let weight = weights?[i] ?? 1
            residual[i] = weight * (outcomes[i] - probability)
            let root = (weight * probability * (1 - probability)).squareRoot()
            let base = i * k
            for j in 0..<k { scaled[base + j] = root * design[base + j] }
        }
        var gradient = [Double](repeating: 0, count: k)
        var hessian = [Double](repeating: 0, count: k * k)
        if n > 0, k > 0 {
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(k), 1, design, Int32(k), residual, 1, 0, &gradient, 1)
            // Lower triangle of (√D·X)ᵀ(√D·X).
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(k), Int32(n), 1, scaled, Int32(k), 0, &hessian, Int32(k))
        }
        for a in 0..<k { for b in 0..<a { hessian[b * k + a] = hessian[a * k + b] } }
        if let penalty {
            for j in 0..<k {
                gradient[j] -= penalty[j] * parameters[j]
                hessian[j * k + j] += penalty[j]
            }
        }
        return (gradient, hessian)
    }
}
