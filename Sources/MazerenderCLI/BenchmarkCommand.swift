import ArgumentParser
import Foundation
import ImpalaPolicy
import RenderJobs
import Tensors

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure throughput (build with -c release: swift run -c release mazerender benchmark).",
        discussion: """
            simulator: levels/s and steps/s on one core. observations: 64x64 renders/s, whole and batched, one core. \
            policy: forward-pass observations/s at scale 1 and 4, batch 1/64/256, both cores (random weights); \
            compare with `python3 Scripts/bench_torch.py` run right after. figure: a 25x25 vector-field figure at \
            scale 4 split into observations, forward pass, drawing. rollout: `rollout --seeds 0..20` split into \
            rollouts, drawing, encoding, and the whole job's time over its rollouts played alone (target 1.3x; \
            --serial times the serial reference; needs --model or the bundled agent). Rates are medians of repeated runs.
            """
    )

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case simulator, observations, policy, figure, rollout, all
    }

    @Argument(help: "What to measure: simulator, observations, policy, figure, rollout or all.")
    var stage: Stage = .all

    @Option(help: "Levels generated per simulator run.")
    var levels = 20_000

    @Option(help: "Environment steps per simulator run.")
    var steps = 1_000_000

    @Option(help: "Policy checkpoint for the rollout stage (default: the bundled agent).")
    var model: String?

    @Option(help: "Rollout stage: runs (rollouts alone, then the whole job, each run); medians are printed.")
    var runs = 3

    @Flag(help: "Rollout stage: time the serial reference (every frame drawn, converted and encoded on one thread).")
    var serial = false

    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        print("BLAS: \(BLASLibrary.current)")
        if stage == .simulator || stage == .all {
            let result = SimulatorBenchmark.run(levels: levels, steps: steps)
            print("simulator: \(Int(result.levelsPerSecond)) levels/s, \(Int(result.stepsPerSecond)) steps/s (one core)")
        }
        if stage == .observations || stage == .all {
            let result = ObservationBenchmark.run(renderer: try assetOptions.renderer())
            print("observations: \(Int(result.wholeRendersPerSecond)) whole renders/s, "
                + "\(Int(result.batchFloatObservationsPerSecond)) batched float obs/s, "
                + "\(Int(result.batchByteObservationsPerSecond)) batched uint8 obs/s "
                + "(seed \(result.seed), \(result.cellsPerBatch) cells, one core)")
        }
        if stage == .policy || stage == .all {
            for result in try benchmarkPolicyForward() {
                print(String(format: "policy: scale %d batch %3d: %7.1f obs/s (%.1f GFLOP/s)", result.scale, result.batch,
                             result.observationsPerSecond, result.gigaflopsPerSecond))
            }
        }
        if stage == .figure || stage == .all {
            let result = try benchmarkVectorFieldFigure(renderer: try assetOptions.renderer())
            print(String(format: "figure: %d positions: observations %.1f ms, forward %.1f ms, drawing %.1f ms, PNG %.1f ms; "
                + "observations + drawing = %.1f%% of the forward pass", result.positions, 1000 * result.observationSeconds,
                1000 * result.forwardSeconds, 1000 * result.drawingSeconds, 1000 * result.encodingSeconds,
                100 * result.overheadRatio))
        }
        if stage == .rollout || (stage == .all && (model != nil || ModelLocator.defaultModelURL() != nil)) {
            let network = try ModelLocator.loadNetwork(explicit: model)
            guard runs >= 1 else { throw ValidationError("--runs \(runs) must be at least 1") }
            var job = RolloutBenchmark.standardJob()
            job.pipelined = !serial
            let result = try RolloutBenchmark.run(job, network: network, assets: try assetOptions.renderer().assets,
                                                  runs: runs)
            print(result.report)
        }
    }
}
