import ArgumentParser
import RenderJobs

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure throughput (build with -c release: swift run -c release mazerender benchmark).",
        discussion: "Each figure is the median of five runs on one core unless stated."
    )

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case simulator, all
    }

    @Argument(help: "What to measure: simulator or all.")
    var stage: Stage = .all

    @Option(help: "Levels generated per simulator run.")
    var levels = 20_000

    @Option(help: "Environment steps per simulator run.")
    var steps = 1_000_000

    func run() throws {
        if stage == .simulator || stage == .all {
            let result = SimulatorBenchmark.run(levels: levels, steps: steps)
            print("simulator: \(Int(result.levelsPerSecond)) levels/s, \(Int(result.stepsPerSecond)) steps/s (one core)")
        }
    }
}
