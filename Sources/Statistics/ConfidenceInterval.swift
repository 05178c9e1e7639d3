import Foundation

/// An estimate with a two-sided confidence interval, and the number of observations `n` it rests on.
///
/// Every rate, mean and median the experiment summaries report comes as one of these:
/// - proportions: the **Wilson score interval** (`ConfidenceInterval.wilson`), as statsmodels'
///   `proportion_confint(count, nobs, alpha=0.05, method="wilson")`;
/// - means and medians: a **seeded percentile bootstrap** (`Bootstrap`), `Bootstrap.defaultResamples` (1,000)
///   resamples drawn with SplitMix64 from `Bootstrap.defaultSeed` (0), so the same data give the same interval
///   on every machine.
public struct ConfidenceInterval: Codable, Equatable, Sendable {
    /// The point estimate (the sample proportion, mean or median; never the interval's centre).
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Observations the estimate rests on.
    public var n: Int
    /// Coverage, 0.95 unless asked otherwise.
    public var level: Double
    /// `"wilson"`, `"bootstrap-percentile"` or another method's name, so JSON readers know what they hold.
    public var method: String

    public init(estimate: Double, lower: Double, upper: Double, n: Int, level: Double = 0.95, method: String) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.n = n
        self.level = level
        self.method = method
    }

    /// The standard normal quantile for a two-sided interval of this `level`: z with Φ(z) = (1 + level) / 2
    /// (1.959963984540054 for 0.95).
    public static func normalQuantile(level: Double) -> Double {
        if level == 0.95 { return 1.959_963_984_540_054 }
        // Bisection on Φ: about 60 steps to full precision; only used for unusual levels.
        let target = (1 + level) / 2
        var low = 0.0, high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if NormalDistribution.cdf(middle) < target { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The Wilson score interval for `successes` out of `trials`:
    /// centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²),
    /// clipped to [0, 1]. With no trials the estimate is NaN and the interval [0, 1].
    /// - Precondition: 0 ≤ successes ≤ trials.
    public static func wilson(successes: Int, trials: Int, level: Double = 0.95) -> ConfidenceInterval {
        precondition(successes >= 0 && successes <= trials, "successes must lie in 0...trials")
        guard trials > 0 else {
            return ConfidenceInterval(estimate: .nan, lower: 0, upper: 1, n: 0, level: level, method: "wilson")
        }
        let n = Double(trials), p = Double(successes) / n, z = normalQuantile(level: level), z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return ConfidenceInterval(estimate: p, lower: max(0, centre - half), upper: min(1, centre + half), n: trials,
                                  level: level, method: "wilson")
    }

    /// True when `value` lies inside the closed interval.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// The seeded percentile bootstrap.
///
/// One resample draws `n` indices uniformly with replacement (SplitMix64 from `seed`, Lemire's unbiased
/// `uniform(below:)`), recorded as a multiplicity per observation; the statistic is evaluated on those
/// multiplicities. The interval's ends are the (1 − level)/2 and (1 + level)/2 quantiles of the resampled
/// statistics, interpolated linearly between order statistics (NumPy's default `"linear"` quantile: position
/// q·(R − 1) of the R sorted values). The estimate is the statistic of the data itself.
///
/// Cost: O(resamples · n) draws, plus the statistic per resample (O(n) for mean and median here: the data are
/// sorted once, and the median is found by walking the multiplicities).
public enum Bootstrap {
    /// Resamples unless asked otherwise.
    public static let defaultResamples = 1000
    /// The generator's seed unless asked otherwise (the same for every summary: results are reproducible, and
    /// two summaries of the same numbers agree).
    public static let defaultSeed: UInt64 = 0

    /// A percentile interval for any statistic of weighted observations.
    /// - Parameters:
    ///   - count: observations (n ≥ 1).
    ///   - statistic: the statistic given a multiplicity per observation (all 1 for the data themselves).
    /// - Returns: nil when `count` is 0.
    public static func interval(count: Int, resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
                                level: Double = 0.95, method: String = "bootstrap-percentile",
                                statistic: ([Int]) -> Double) -> ConfidenceInterval? {
        guard count > 0 else { return nil }
        precondition(resamples >= 1, "resamples must be at least 1")
        let estimate = statistic([Int](repeating: 1, count: count))
        var generator = SplitMix64(seed: seed)
        var weights = [Int](repeating: 0, count: count)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<count { weights[i] = 0 }
            for _ in 0..<count { weights[generator.uniform(below: UInt64(count))] += 1 }
            values.append(statistic(weights))
        }
        values.sort()
        let tail = (1 - level) / 2
        return ConfidenceInterval(estimate: estimate, lower: quantile(sorted: values, tail),
                                  upper: quantile(sorted: values, 1 - tail), n: count, level: level, method: method)
    }

    /// Percentile intervals of the mean and of the median of `values` (non-finite values are left out), from
    /// the same resamples. - Returns: nil for no finite values.
    public static func meanAndMedian(_ values: [Double], resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
                                     level: Double = 0.95) -> (mean: ConfidenceInterval, median: ConfidenceInterval)? {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        guard var meanInterval = interval(count: sorted.count, resamples: resamples, seed: seed, level: level,
                                  statistic: { weights in
                                      medians.append(Bootstrap.median(sorted: sorted, weights: weights))
                                      return Bootstrap.mean(sorted, weights: weights)
                                  }) else { return nil }
        // The first call is the data themselves, the rest the resamples.
        let median = medians.removeFirst()
        medians.sort()
        let tail = (1 - level) / 2
        meanInterval.estimate = sorted.reduce(0, +) / Double(sorted.count)
        let medianInterval = ConfidenceInterval(estimate: median, lower: quantile(sorted: medians, tail),
                                                upper: quantile(sorted: medians, 1 - tail), n: sorted.count,
                                                level: level, method: "bootstrap-percentile")
        return (meanInterval, medianInterval)
    }

    /// A percentile interval of the ratio Σ numeratorᵢ / Σ denominatorᵢ, resampling the units i (e.g. levels,
    /// each with its number of correct test predictions over its number of test appearances: the pooled accuracy,
    /// with the units, not the predictions, as the independent draws). Units with denominator 0 are left out.
    /// - Returns: nil when no unit has a positive denominator.
    public static func ratio(numerators: [Double], denominators: [Double], resamples: Int = defaultResamples,
                             seed: UInt64 = defaultSeed, level: Double = 0.95) -> ConfidenceInterval? {
        precondition(numerators.count == denominators.count, "one numerator per denominator")
        let units = denominators.indices.filter { denominators[$0] > 0 }
        let a = units.map { numerators[$0] }, b = units.map { denominators[$0] }
        return interval(count: units.count, resamples: resamples, seed: seed, level: level,
                        method: "bootstrap-percentile over units") { weights in
            var top = 0.0, bottom = 0.0
            for i in weights.indices where weights[i] > 0 {
                top += Double(weights[i]) * a[i]
                bottom += Double(weights[i]) * b[i]
            }
            return top / bottom
        }
    }

    /// The mean of `values` with multiplicities `weights`.
    public static func mean(_ values: [Double], weights: [Int]) -> Double {
        var sum = 0.0, total = 0
        for (value, weight) in zip(values, weights) where weight > 0 {
            sum += value * Double(weight)
            total += weight
        }
        return sum / Double(total)
    }

    /// The median of ascending `sorted` values repeated `weights` times: the middle one, or the mean of the two
    /// middle ones for an even total.
    public static func median(sorted: [Double], weights: [Int]) -> Double {
        let total = weights.reduce(0, +)
        let lowRank = (total - 1) / 2, highRank = total / 2  // 0-based ranks of the middle value(s)
        var seen = 0, low = Double.nan
        for (value, weight) in zip(sorted, weights) where weight > 0 {
            if low.isNaN, lowRank < seen + weight { low = value }
            if highRank < seen + weight { return (low + value) / 2 }
            seen += weight
        }
        return low
    }

    /// The q-quantile of ascending `sorted` values by linear interpolation at position q·(n − 1).
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }
}

extension ConfidenceInterval {
    /// `0.512 [0.401, 0.622]` with `digits` decimals (a percentage with `percent`), n left to the caller.
    public func formatted(_ digits: Int = 3, percent: Bool = false) -> String {
        let scale = percent ? 100.0 : 1.0, unit = percent ? " %" : ""
        func f(_ value: Double) -> String { value.isFinite ? String(format: "%.\(digits)f", scale * value) : "–" }
        return "\(f(estimate))\(unit) [\(f(lower)), \(f(upper))]"
    }
}
