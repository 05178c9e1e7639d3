import Foundation

/// The standard normal distribution, through the C library's `erfc` (accurate far into the tails,
/// where `1 - Φ(x)` computed by subtraction would lose every digit).
public enum NormalDistribution {
    /// Φ(x) = P(Z ≤ x) = erfc(-x / √2) / 2. Cost: one `erfc`.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// P(Z > x) = erfc(x / √2) / 2, without cancellation for large x.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// Two-sided p value of a z statistic: P(|Z| ≥ |z|) = erfc(|z| / √2). NaN stays NaN.
    public static func twoSidedPValue(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }
}
