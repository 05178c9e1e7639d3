import MazeSimulation

/// Level generation and stepping speed on the calling thread (one core).
public struct SimulatorBenchmark: Sendable {
    public let levelsPerSecond: Double
    public let stepsPerSecond: Double

    /// Generates `levels` hard-mode levels and takes `steps` random environment steps (with resets), five
    /// times each; reports the median rates.
    public static func run(levels: Int = 20_000, steps: Int = 1_000_000) -> SimulatorBenchmark {
        var checksum = 0
        let levelRate = BenchmarkTiming.medianRate(items: levels) {
            let generator = LevelGenerator()
            for seed in 0..<levels {
                checksum &+= generator.generate(seed: Int32(seed)).mazeDimension
            }
        }
        var actions = MersenneTwister(seed: 1)
        let stepRate = BenchmarkTiming.medianRate(items: steps) {
            var environment = MazeEnvironment(schedule: .range(start: 0, count: 0, randSeed: 0))
            for _ in 0..<steps {
                let outcome = environment.step(MazeAction(rawValue: Int(actions.next() % 15))!)
                checksum &+= outcome.done ? 1 : 0
            }
        }
        precondition(checksum != 0)
        return SimulatorBenchmark(levelsPerSecond: levelRate, stepsPerSecond: stepRate)
    }
}
