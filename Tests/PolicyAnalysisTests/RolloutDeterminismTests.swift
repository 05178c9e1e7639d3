import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import Testing

/// Rollouts are a function of their inputs: parallel equals serial, a second run equals the first, and sampling
/// depends only on its seed (not on scheduling).
@Suite("rollouts are deterministic")
struct RolloutDeterminismTests {
    static let seeds: [Int32] = [0, 1, 2, 3]
    static let maxSteps = 16

    func run(_ selection: ActionSelection, parallel: Bool, seeds: [Int32] = seeds) throws -> [[Rollout]] {
        let evaluator = try RolloutFixtures.evaluator.get()
        return try Rollouts.run(seeds: seeds, variants: RolloutFixtures.variants(for: seeds, evaluator: evaluator),
                                generator: RolloutFixtures.generator, evaluator: evaluator,
                                maxSteps: Self.maxSteps, selection: selection, parallel: parallel)
    }

    @Test("parallel equals serial, per-seed variants", arguments: [ActionSelection.argmax, .sample(seed: 7)])
    func parallelEqualsSerial(selection: ActionSelection) throws {
        let parallel = try run(selection, parallel: true)
        let serial = try run(selection, parallel: false)
        #expect(records(parallel) == records(serial))
        #expect(parallel.map { $0.map(\.seed) } == Self.seeds.map { [$0, $0] })
        #expect(parallel.allSatisfy { $0.map(\.variant) == ["original", "cheese"] })
    }

    @Test("parallel equals serial, shared variants (Rollouts.run(seeds:variants:))")
    func sharedVariants() throws {
        let evaluator = try RolloutFixtures.evaluator.get()
        let variants = try RolloutFixtures.variants(for: [0], evaluator: evaluator)[0]
        let runs = try [true, false].map { parallel in
            try Rollouts.run(seeds: Self.seeds, variants: variants, generator: RolloutFixtures.generator,
                             evaluator: evaluator, maxSteps: Self.maxSteps, parallel: parallel)
        }
        #expect(records(runs[0]) == records(runs[1]))
    }

    @Test("the same seed twice gives identical rollouts")
    func repeatable() throws {
        #expect(records(try run(.argmax, parallel: true)) == records(try run(.argmax, parallel: true)))
    }

    @Test("sampling is reproducible from its seed and follows the distribution, not the argmax")
    func sampling() throws {
        let first = try run(.sample(seed: 3), parallel: true)
        #expect(records(first) == records(try run(.sample(seed: 3), parallel: true)))
        let other = try run(.sample(seed: 4), parallel: true)
        #expect(records(first) != records(other))
        let argmax = try run(.argmax, parallel: true)
        #expect(records(first) != records(argmax))
        // A seed's episode does not depend on which other seeds run beside it.
        let alone = try run(.sample(seed: 3), parallel: true, seeds: [Self.seeds[2]])
        #expect(records(alone)[0] == records(first)[2])
    }

    @Test("each step's action is the argmax of its distribution; episodes stop at the step limit or the cheese")
    func stepsAreConsistent() throws {
        for rollout in try run(.argmax, parallel: true).joined() {
            #expect(rollout.steps.count <= Self.maxSteps)
            for step in rollout.steps {
                #expect(step.action.rawValue == step.distribution.argmaxAction)
                #expect(step.distribution.groups.count == 5)
                #expect(abs(step.distribution.groups.reduce(0, +) - 1) < 1e-4)
            }
            switch rollout.ending {
            case .cheese: #expect(rollout.steps.last?.reward == 10)
            case .stepLimit: #expect(rollout.steps.count == Self.maxSteps)
            case .timeout: Issue.record("timeout within \(Self.maxSteps) steps")
            case .loop: Issue.record("a loop ending although loops were not asked to end")
            }
            #expect(rollout.steps.first?.state == RolloutFixtures.generator.generate(seed: rollout.seed))
        }
    }

    @Test("the cheese vector changes the policy's output on its seed")
    func patchTakesEffect() throws {
        let rollouts = try run(.argmax, parallel: true)
        for pair in rollouts {
            let original = pair[0].steps[0].distribution, patched = pair[1].steps[0].distribution
            let change = zip(original.actions, patched.actions).map { abs($0 - $1) }.max() ?? 0
            #expect(change > 1e-4, "seed \(pair[0].seed): the cheese vector did not change the first step's output")
        }
    }
}
