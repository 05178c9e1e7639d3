import Foundation
import Statistics
import Testing

@Suite struct ConfidenceIntervalTests {
    /// statsmodels' `proportion_confint(count, nobs, alpha=0.05, method="wilson")` evaluates exactly
    /// center ± dist with crit = norm.isf(0.025); these are its values (computed from that formula in Python with
    /// `statistics.NormalDist`), and 81/263 → [0.2553, 0.3662] is Newcombe's (1998) worked example.
    @Test(arguments: [
        (0, 10, 0.0, 0.27753279986288915), (5, 10, 0.23659309051256405, 0.763406909487436),
        (1, 10, 0.017876213095072896, 0.40415002679523837), (81, 263, 0.2552885198782743, 0.3662095769828001),
        (10, 10, 0.7224672001371109, 1.0), (90, 108, 0.7518731501613105, 0.8918952766743182),
    ])
    func wilsonMatchesStatsmodels(successes: Int, trials: Int, lower: Double, upper: Double) {
        let interval = ConfidenceInterval.wilson(successes: successes, trials: trials)
        #expect(abs(interval.lower - lower) < 1e-12)
        #expect(abs(interval.upper - upper) < 1e-12)
        #expect(interval.estimate == Double(successes) / Double(trials))
        #expect(interval.n == trials && interval.method == "wilson")
    }

    @Test func wilsonWithoutTrialsIsTheWholeRange() {
        let interval = ConfidenceInterval.wilson(successes: 0, trials: 0)
        #expect(interval.estimate.isNaN && interval.lower == 0 && interval.upper == 1 && interval.n == 0)
        #expect(abs(ConfidenceInterval.normalQuantile(level: 0.9) - 1.6448536269514722) < 1e-9)
    }

    /// NumPy: `np.quantile([1, 2, 3, 4], [0.25, 0.5, 0.975])` = [1.75, 2.5, 3.925].
    @Test func quantileInterpolatesLikeNumPy() {
        #expect(Bootstrap.quantile(sorted: [1, 2, 3, 4], 0.25) == 1.75)
        #expect(Bootstrap.quantile(sorted: [1, 2, 3, 4], 0.5) == 2.5)
        #expect(abs(Bootstrap.quantile(sorted: [1, 2, 3, 4], 0.975) - 3.925) < 1e-12)
        #expect(Bootstrap.quantile(sorted: [7], 0.3) == 7)
    }

    @Test func bootstrapIsSeededAndDeterministic() throws {
        var generator = SplitMix64(seed: 42)
        let values = (0..<200).map { _ in Double(generator.uniform(below: 1000)) / 100 }
        let first = try #require(Bootstrap.meanAndMedian(values))
        let again = try #require(Bootstrap.meanAndMedian(values))
        #expect(first.mean == again.mean && first.median == again.median)
        let other = try #require(Bootstrap.meanAndMedian(values, seed: 1))
        #expect(other.mean != first.mean)
        // The estimates are the data's own mean and median, inside their intervals.
        let sorted = values.sorted()
        #expect(abs(first.mean.estimate - values.reduce(0, +) / 200) < 1e-12)
        #expect(first.median.estimate == (sorted[99] + sorted[100]) / 2)
        #expect(first.mean.contains(first.mean.estimate) && first.median.contains(first.median.estimate))
        #expect(first.mean.n == 200 && Bootstrap.defaultResamples >= 1000)
    }

    /// For a large sample the percentile interval of the mean approaches mean ± 1.96·s/√n.
    @Test func bootstrapMeanIntervalApproachesTheNormalOne() throws {
        var generator = SplitMix64(seed: 7)
        let values = (0..<2000).map { _ in Double(generator.uniform(below: 1_000_000)) / 1_000_000 }
        let n = Double(values.count), mean = values.reduce(0, +) / n
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let half = 1.959963984540054 * sd / n.squareRoot()
        let interval = try #require(Bootstrap.meanAndMedian(values, resamples: 4000)).mean
        #expect(abs(interval.lower - (mean - half)) < 0.15 * half)
        #expect(abs(interval.upper - (mean + half)) < 0.15 * half)
    }

    /// The multiplicity-walking median equals the median of the expanded sample.
    @Test func resampledMedianMatchesTheExpandedSample() throws {
        let values: [Double] = [0.1, 0.4, 0.4, 0.9, 1.5, 2.0, 3.5]
        var generator = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let weights = values.map { _ in generator.uniform(below: 4) }
            guard weights.reduce(0, +) > 0 else { continue }
            var expanded: [Double] = []
            for (value, weight) in zip(values, weights) { expanded += Array(repeating: value, count: weight) }
            let middle = expanded.count / 2
            let expected = expanded.count % 2 == 1 ? expanded[middle] : (expanded[middle - 1] + expanded[middle]) / 2
            #expect(Bootstrap.median(sorted: values, weights: weights) == expected)
        }
    }

    @Test func constantDataGiveADegenerateInterval() throws {
        let result = try #require(Bootstrap.meanAndMedian([2, 2, 2, 2, 2]))
        #expect(result.mean.lower == 2 && result.mean.upper == 2 && result.median.lower == 2 && result.median.upper == 2)
        #expect(Bootstrap.meanAndMedian([]) == nil && Bootstrap.meanAndMedian([.nan]) == nil)
    }
}

@Suite struct RatioBootstrapTests {
    /// With every denominator 1 the pooled ratio is the mean, resampled from the same draws as `meanAndMedian`.
    @Test func ratioOfUnitDenominatorsIsTheMean() throws {
        let values: [Double] = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1]
        let ratio = try #require(Bootstrap.ratio(numerators: values, denominators: values.map { _ in 1 }))
        let mean = try #require(Bootstrap.meanAndMedian(values)).mean
        #expect(abs(ratio.estimate - 8.0 / 12) < 1e-12)
        // Same generator, same draws; the mean sorts the values first, so compare the widths' order of magnitude.
        #expect(ratio.lower < ratio.estimate && ratio.estimate < ratio.upper)
        #expect(abs((ratio.upper - ratio.lower) - (mean.upper - mean.lower)) < 0.15)
        // Units with no appearances are left out; none at all gives nil.
        let padded = try #require(Bootstrap.ratio(numerators: values + [0], denominators: values.map { _ in 1 } + [0]))
        #expect(padded == ratio)
        #expect(Bootstrap.ratio(numerators: [0], denominators: [0]) == nil)
    }
}
