import ArgumentParser
import Foundation
import ImpalaPolicy
import JobSupport
import MazerenderBenchmarks
import PolicyAnalysis
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
            --serial times the serial reference; needs --model or the bundled agent). vfield: a 25x25 vector field at \
            scale 1 and 4 and a batch of decision-square observations, through the ordinary and the automatic \
            (incremental) forward pass and through PyTorch on the same observations (`--torch-script`, needs torch), \
            with ratios and the share of convolution FLOPs spent. Rates are medians of repeated runs.
            attribution: integrated gradients of one observation (50 Gauss-Legendre steps) and a 25x25 value map at \
            scale 1 and 4 (random weights), and PyTorch + captum on the same observations (`--attribution-torch-script`, \
            needs torch and captum). animate: `animate --sweep cheese:coeff --from -3 --to 3 --frames 25` of a 25x25 \
            level, the whole job against its 25 vector fields computed alone, and `animate --rollout` of at least 200 \
            argmax steps with 4 channel heat maps against the numbers it computes before drawing (target 2x each; \
            --runs runs, median printed; needs --model or the bundled agent).
            rollouts: the forward passes of lock-step episodes (the bundled agent, or --model, plays --episodes levels \
            for at most --episode-steps steps) at each --scale, through the ordinary pass, the incremental pass along \
            episodes and PyTorch batch 1 and 64 on the same observations, with the share of convolution FLOPs spent.
            evaluate: the episodes of evaluate's two rollout phases (--evaluate-levels in-distribution levels and twice as many \
            cheese-anywhere levels; the bundled agent or --model), each level alone with batch-1 passes (as evaluate \
            played them before) and in lock step (as now), against PyTorch's batch-1 and batch-64 time for one pass \
            per step (timed on 640 of the observations).
            """
    )

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case simulator, observations, policy, figure, rollout, rollouts, vfield, attribution, animate, evaluate, all
    }

    @Argument(help: "What to measure: simulator, observations, policy, figure, rollout, rollouts, vfield, attribution, animate, evaluate or all.")
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

    @Option(help: "rollouts: episodes played in lock step.")
    var episodes = 64

    @Option(help: "rollouts: step limit per episode.")
    var episodeSteps = 48

    @Option(help: "evaluate: in-distribution levels (twice as many cheese-anywhere levels are played too).")
    var evaluateLevels = 100

    @Option(help: "vfield: levels with a decision square in the decision batch.")
    var decisionSeeds = 1000

    @Option(name: .customLong("scale"), help: "vfield, attribution, rollouts: network scale to measure (repeatable; default 1 and 4).")
    var scales: [Int] = [1, 4]

    @Option(help: "vfield, attribution, rollouts, evaluate: timed repeats per measurement (medians are reported; default 5, rollouts 3, evaluate 1).")
    var repeats: Int?

    @Option(help: "vfield, rollouts, evaluate: the PyTorch comparison script, run with python3 on the same observations.")
    var torchScript = "Scripts/bench_torch.py"

    @Option(help: "attribution: the PyTorch + captum comparison script.")
    var attributionTorchScript = "Scripts/bench_attribution_torch.py"

    @Flag(help: "vfield, attribution, rollouts, evaluate: skip the PyTorch comparison.")
    var noTorch = false

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard decisionSeeds >= 1 else { throw ValidationError("--decision-seeds must be at least 1") }
        guard repeats.map({ $0 >= 1 }) ?? true else { throw ValidationError("--repeats must be at least 1") }
        guard !scales.isEmpty, scales.allSatisfy({ (1...8).contains($0) }) else {
            throw ValidationError("--scale must be between 1 and 8 (the published agents use 1 and 4)")
        }
        if stage == .attribution, !noTorch, !FileManager.default.fileExists(atPath: attributionTorchScript) {
            throw ValidationError("--attribution-torch-script: no file at '\(attributionTorchScript)'; run from the package root or pass --no-torch")
        }
        guard episodes >= 1, episodeSteps >= 1 else { throw ValidationError("--episodes and --episode-steps must be at least 1") }
        guard evaluateLevels >= 1 else { throw ValidationError("--evaluate-levels must be at least 1") }
        if stage == .vfield || stage == .rollouts || stage == .evaluate, !noTorch, !FileManager.default.fileExists(atPath: torchScript) {
            throw ValidationError("--torch-script: no file at '\(torchScript)'; run from the package root or pass --no-torch")
        }
    }

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
        if stage == .vfield {
            let results = try VectorFieldBenchmark.run(renderer: try assetOptions.renderer(), decisionSeeds: decisionSeeds,
                                                       scales: scales, repeats: repeats ?? 5, torchScript: noTorch ? nil : torchScript)
            for result in results { print("vfield: \(result.report)") }
        }
        if stage == .attribution {
            let results = try AttributionBenchmark.run(renderer: try assetOptions.renderer(), scales: scales, repeats: repeats ?? 5,
                                                       torchScript: noTorch ? nil : attributionTorchScript)
            for result in results { print(result.report) }
        }
        if stage == .rollouts {
            let results = try EpisodeForwardBenchmark.run(
                player: try ModelLocator.loadNetwork(explicit: model), renderer: try assetOptions.renderer(), episodes: episodes,
                maxSteps: episodeSteps, scales: scales, repeats: repeats ?? 3, torchScript: noTorch ? nil : torchScript)
            for result in results { print(result.report) }
        }
        if stage == .evaluate {
            let network = try ModelLocator.loadNetwork(explicit: model)
            let result = try EvaluationBenchmark.run(
                network: network, model: model ?? "the bundled agent", renderer: try assetOptions.renderer(),
                levels: evaluateLevels, repeats: repeats ?? 1, torchScript: noTorch ? nil : torchScript)
            print(result.report)
        }
        if stage == .rollout || (stage == .all && (model != nil || ModelLocator.defaultModelURL() != nil)) {
            guard runs >= 1 else { throw ValidationError("--runs \(runs) must be at least 1") }
            let context = JobContext(model: try ModelLocator.load(explicit: model), renderer: try assetOptions.renderer())
            var job = RolloutBenchmark.standardJob()
            job.pipelined = !serial
            let result = try RolloutBenchmark.run(job, in: context, runs: runs)
            print(result.report)
        }
        if stage == .animate {
            guard runs >= 1 else { throw ValidationError("--runs \(runs) must be at least 1") }
            let context = JobContext(model: try ModelLocator.load(explicit: model), renderer: try assetOptions.renderer())
            print(try AnimationBenchmark.run(in: context, runs: runs).report)
            print(try RolloutAnimationBenchmark.run(in: context, runs: runs).report)
        }
    }
}
