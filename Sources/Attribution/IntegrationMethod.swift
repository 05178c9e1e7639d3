import Foundation

/// How integrated gradients discretises the path integral `∫₀¹ ∂f/∂x(b + α(x − b)) dα`: captum's
/// `IntegratedGradients(method=...)` rules, with the same nodes `α` and weights.
public enum IntegrationMethod: String, Sendable, CaseIterable, Codable {
    /// Gauss-Legendre quadrature (captum's default): the Legendre nodes on [-1, 1] mapped to `(1 + x) / 2`,
    /// weights halved.
    case gaussLegendre = "gausslegendre"
    /// Left Riemann sum: `α = 0, 1/n, ..., (n − 1)/n`, weights `1/n`.
    case riemannLeft = "riemann_left"
    /// Right Riemann sum: `α = 1/n, ..., 1`, weights `1/n`.
    case riemannRight = "riemann_right"
    /// Midpoint rule: `α = (k + 1/2)/n`, weights `1/n`.
    case riemannMiddle = "riemann_middle"
    /// Trapezoid rule: `α = k/(n − 1)`, weights `1/(n − 1)`, halved at both ends (needs n ≥ 2).
    case riemannTrapezoid = "riemann_trapezoid"

    /// The nodes `α` in [0, 1] (ascending) and their weights (summing to 1) for `steps` steps.
    /// - Precondition: `steps ≥ 1` (`≥ 2` for the trapezoid rule).
    public func nodes(steps n: Int) -> (alphas: [Double], weights: [Double]) {
        precondition(n >= (self == .riemannTrapezoid ? 2 : 1), "\(rawValue) needs more steps than \(n)")
        let step = 1 / Double(n)
        switch self {
        case .gaussLegendre:
            let (x, w) = Self.legendre(n)
            return (x.map { 0.5 * (1 + $0) }, w.map { 0.5 * $0 })
        case .riemannLeft:
            return ((0..<n).map { Double($0) * step }, Array(repeating: step, count: n))
        case .riemannRight:
            return ((1...n).map { Double($0) * step }, Array(repeating: step, count: n))
        case .riemannMiddle:
            return ((0..<n).map { (Double($0) + 0.5) * step }, Array(repeating: step, count: n))
        case .riemannTrapezoid:
            let inner = 1 / Double(n - 1)
            var weights = Array(repeating: inner, count: n)
            weights[0] = inner / 2
            weights[n - 1] = inner / 2
            return ((0..<n).map { Double($0) * inner }, weights)
        }
    }

    /// Gauss-Legendre nodes on [-1, 1] (ascending) and weights: Newton's method on the Legendre polynomial
    /// `P_n` from Chebyshev-like starting points, to machine precision (numpy's `leggauss` to ~1e-15).
    static func legendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 1.0
            for _ in 0..<100 {
                // P_n(x) and P_{n-1}(x) by the three-term recurrence.
                var previous = 1.0, current = x
                if n == 0 { current = 1 }
                if n >= 2 {
                    for k in 2...n {
                        let next = ((2 * Double(k) - 1) * x * current - (Double(k) - 1) * previous) / Double(k)
                        previous = current
                        current = next
                    }
                }
                derivative = Double(n) * (x * current - previous) / (x * x - 1)
                let delta = current / derivative
                x -= delta
                if abs(delta) < 1e-16 { break }
            }
            nodes[n - 1 - i] = x
            weights[n - 1 - i] = 2 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes, weights)
    }
}
