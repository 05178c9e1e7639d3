import COpenBLAS
import Foundation

/// Small dense linear algebra for the regressions: systems with a few dozen unknowns at most, so plain loops,
/// row-major `[Double]` storage and no BLAS. Every matrix here is `k×k` (or `n×p` for the SVD), `a[i * k + j]`.
enum DenseLinearAlgebra {
    /// Cholesky factor of a symmetric positive-definite `k×k` matrix: lower-triangular `L` with `L·Lᵀ = a`.
    /// - Returns: `L` row-major (upper part zero), or nil when a pivot is not positive (not positive definite
    ///   to working precision). Cost: k³/6 multiply-adds.
    static func cholesky(_ a: [Double], size k: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: k * k)
        for j in 0..<k {
            var diagonal = a[j * k + j]
            for m in 0..<j { diagonal -= l[j * k + m] * l[j * k + m] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let pivot = diagonal.squareRoot()
            l[j * k + j] = pivot
            for i in (j + 1)..<max(j + 1, k) {
                var sum = a[i * k + j]
                for m in 0..<j { sum -= l[i * k + m] * l[j * k + m] }
                l[i * k + j] = sum / pivot
            }
        }
        return l
    }

    /// Solves `a·x = b` for a symmetric positive-definite `k×k` matrix through LAPACK (`dpotrf`, `dpotrs`):
    /// the systems of probes with a thousand unknowns. - Returns: nil when `a` is not positive definite.
    /// Cost: k³/3 flops in OpenBLAS.
    static func solvePositiveDefinite(_ a: [Double], size k: Int, _ b: [Double]) -> [Double]? {
        precondition(a.count == k * k && b.count == k, "solvePositiveDefinite: shapes")
        guard k > 0 else { return [] }
        var factor = a, x = b
        let info = factor.withUnsafeMutableBufferPointer { fa in
            x.withUnsafeMutableBufferPointer { fx in mr_cholesky_solve(Int32(k), fa.baseAddress!, fx.baseAddress!) }
        }
        guard info == 0, x.allSatisfy(\.isFinite) else { return nil }
        return x
    }

    /// Solves `L·Lᵀ·x = b` given the Cholesky factor `L` (`k×k`). Cost: k² multiply-adds.
    static func solve(cholesky l: [Double], size k: Int, _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<k {
            var sum = y[i]
            for m in 0..<i { sum -= l[i * k + m] * y[m] }
            y[i] = sum / l[i * k + i]
        }
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = y[i]
            for m in (i + 1)..<max(i + 1, k) { sum -= l[m * k + i] * y[m] }
            y[i] = sum / l[i * k + i]
        }
        return y
    }

    /// The inverse `(L·Lᵀ)⁻¹` (`k×k`, symmetric) from the Cholesky factor. Cost: k³ multiply-adds.
    static func inverse(cholesky l: [Double], size k: Int) -> [Double] {
        var result = [Double](repeating: 0, count: k * k)
        for column in 0..<k {
            var unit = [Double](repeating: 0, count: k)
            unit[column] = 1
            let x = solve(cholesky: l, size: k, unit)
            for row in 0..<k { result[row * k + column] = x[row] }
        }
        return result
    }

    /// Singular values and right singular vectors of an `n×p` row-major matrix by one-sided Jacobi rotations
    /// (Hestenes), which finds small singular values to high accuracy relative to the largest, so an exact
    /// linear dependency among columns shows as a singular value near `eps · σ_max` rather than `√eps · σ_max`
    /// (as it would through `AᵀA`).
    /// - Returns: `values` (p, in column order, not sorted) and `vectors` (`p×p` row-major; column `j` is the
    ///   right singular vector of `values[j]`). Cost: about 2·n·p² multiply-adds per sweep, a handful of sweeps.
    static func singularValueDecomposition(_ a: [Double], rows n: Int, columns p: Int)
        -> (values: [Double], vectors: [Double])
    {
        // Work on columns: u[j] is column j of A, rotated in place until the columns are mutually orthogonal.
        var u = (0..<p).map { j in (0..<n).map { i in a[i * p + j] } }
        var v = [Double](repeating: 0, count: p * p)
        for j in 0..<p { v[j * p + j] = 1 }
        let epsilon = Double.ulpOfOne
        for _ in 0..<60 {
            var rotated = false
            for i in 0..<p {
                for j in (i + 1)..<max(i + 1, p) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for r in 0..<n {
                        alpha += u[i][r] * u[i][r]
                        beta += u[j][r] * u[j][r]
                        gamma += u[i][r] * u[j][r]
                    }
                    guard abs(gamma) > epsilon * (alpha * beta).squareRoot(), gamma != 0 else { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot()
                    let s = c * t
                    for r in 0..<n {
                        let x = u[i][r], y = u[j][r]
                        u[i][r] = c * x - s * y
                        u[j][r] = s * x + c * y
                    }
                    for r in 0..<p {
                        let x = v[r * p + i], y = v[r * p + j]
                        v[r * p + i] = c * x - s * y
                        v[r * p + j] = s * x + c * y
                    }
                }
            }
            if !rotated { break }
        }
        let values = u.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return (values, v)
    }
}
