/// Timing helpers shared by the benchmarks: run a workload several times and keep the median rate.
public enum BenchmarkTiming {
    /// Seconds taken by `body`, measured with the monotonic clock.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The median of `repeats` timed runs of `body` (at least one), after one untimed warm-up run.
    public static func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) { times.append(try seconds(body)) }
        return times.sorted()[times.count / 2]
    }

    /// The median of `repeats` rates `items / seconds`, each from one run of `body`.
    public static func medianRate(items: Int, repeats: Int = 5, _ body: () -> Void) -> Double {
        var rates: [Double] = []
        for _ in 0..<repeats {
            let elapsed = seconds(body)
            rates.append(Double(items) / max(elapsed, 1e-9))
        }
        rates.sort()
        return rates[rates.count / 2]
    }
}
