import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import Tensors
import TestSupport
import Testing

/// Lock-step episodes keep every output they computed and take it again, without a pass, when an observation
/// repeats within the episode: the episodes, step by step, must equal those of the ordinary pass (which runs
/// every observation), and the passes run must be exactly one per distinct observation of each episode.
@Suite struct EpisodeMemoryTests {
    static let seeds = Array(Int32(0)..<Int32(24))

    /// The bundled agent plays 24 levels both ways; seeds where it loops until the step limit are among them.
    @Test(arguments: [ActionSelection.argmax, .sample(seed: 5)])
    func rememberedStepsEqualTheOrdinaryPass(selection: ActionSelection) throws {
        let evaluator = PolicyEvaluator(network: try SharedFixtures.bundledNetwork.get(), renderer: try SharedFixtures.renderer())
        let maze = { (e: Int) in RolloutFixtures.generator.generate(seed: Self.seeds[e]) }
        let fast = try Rollouts.mapLockstep(Self.seeds.count, maze: maze, evaluator: evaluator, maxSteps: 200,
                                            selection: selection) { $0 }
        let ordinary = try Rollouts.mapLockstep(Self.seeds.count, maze: maze, evaluator: evaluator, maxSteps: 200,
                                                selection: selection, path: .ordinary) { $0 }
        var worst: Float = 0, distinct = 0, steps = 0
        for (a, b) in zip(fast.summaries, ordinary.summaries) {
            #expect(a.steps.map(\.action) == b.steps.map(\.action), "seed \(a.seed)")
            #expect(a.ending == b.ending, "seed \(a.seed)")
            for (x, y) in zip(a.steps, b.steps) {
                worst = max(worst, zip(x.distribution.logits, y.distribution.logits).map { abs($0 - $1) }.max() ?? 0)
            }
            // The episode's distinct observations, pixel for pixel.
            var seen = Set<[Float]>()
            for step in a.steps { seen.insert(evaluator.input(for: [step.state]).scalars) }
            distinct += seen.count
            steps += a.steps.count
        }
        let statistics = fast.statistics
        print("\(selection): \(steps) steps, \(distinct) distinct observations, \(statistics.repeated) repeated; "
              + "max |Δlogit| \(worst); conv FLOPs \(statistics.share)")
        #expect(worst <= EpisodeForwardTests.tolerance)
        #expect(statistics.observations == steps)
        #expect(statistics.observations - statistics.repeated == distinct)
        #expect(statistics.incremental + statistics.unchanged + statistics.full == distinct)
        #expect(statistics.repeated > 0)
        #expect(ordinary.statistics.repeated == 0 && ordinary.statistics.observations == steps)
    }

    /// Batch-1 `play` reuses the outputs of a repeated observation: the same batch-1 computation of the same
    /// input, so the episodes are bit-identical to running every pass.
    @Test(arguments: [ActionSelection.argmax, .sample(seed: 2)])
    func batchOnePlayWithMemoryIsBitIdentical(selection: ActionSelection) throws {
        let evaluator = PolicyEvaluator(network: try SharedFixtures.bundledNetwork.get(), renderer: try SharedFixtures.renderer())
        var repeatedSteps = 0
        for seed in Int32(0)..<Int32(8) {
            let maze = RolloutFixtures.generator.generate(seed: seed)
            let runs = try [true, false].map { remembers in
                try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator, maxSteps: 120,
                                  selection: selection, remembersObservations: remembers)
            }
            #expect(runs[0].steps.map(\.action) == runs[1].steps.map(\.action), "seed \(seed)")
            #expect(runs[0].steps.map(\.distribution) == runs[1].steps.map(\.distribution), "seed \(seed)")
            #expect(runs[0].ending == runs[1].ending, "seed \(seed)")
            repeatedSteps += runs[0].steps.count - Set(runs[0].steps.map { evaluator.input(for: [$0.state]).scalars }).count
        }
        print("\(selection): \(repeatedSteps) steps repeated an earlier observation of their episode")
        #expect(repeatedSteps > 0)
    }
}
