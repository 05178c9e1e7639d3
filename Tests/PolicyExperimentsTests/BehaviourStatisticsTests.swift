import ActivationPatching
import MazeSimulation
import PolicyAnalysis
import PolicyExperiments
import TestSupport
import Testing

/// `stats`' rows with the episodes played in lock step (chunks, batched incremental passes, repeated
/// observations from memory) against each level played alone with batch-1 ordinary passes (what `stats` did
/// before): the same rows, probabilities within float rounding.
@Suite struct BehaviourStatisticsTests {
    @Test(arguments: [ActionSelection.argmax, .sample(seed: 9)])
    func lockstepRowsEqualLevelsPlayedAlone(selection: ActionSelection) throws {
        let network = try SharedFixtures.bundledNetwork.get(), renderer = try SharedFixtures.renderer()
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        let generator = LevelGenerator()
        let statistics = BehaviourStatistics(generator: generator, maxSteps: 256, selection: selection, coefficients: [-1, 1])
        let cheeseVector: BehaviourStatistics.CheeseVector = { seed, coefficient in
            try resolveEdits(specs: [PatchSpec(kind: .cheese, coeff: coefficient)], targetSeed: seed, network: network,
                             renderer: renderer, generator: generator)
        }
        let seeds = Array(Int32(100)..<Int32(148))
        var lockstep: [BehaviourRow] = [], alone: [BehaviourRow] = []
        // Chunks of 20 levels, 8 episodes in flight: chunk edges and episode hand-overs are exercised.
        try statistics.rows(seeds: seeds, evaluator: evaluator, cheeseVector: cheeseVector, chunkSize: 20,
                            lockstepWidth: 8) { lockstep.append($0) }
        try statistics.rows(seeds: seeds, evaluator: evaluator, cheeseVector: cheeseVector, parallel: false) { alone.append($0) }
        #expect(lockstep.map(\.seed) == seeds && alone.map(\.seed) == seeds)
        var parted: [Int32] = []
        for (a, b) in zip(lockstep, alone) {
            if a.reachedCheese != b.reachedCheese || a.steps != b.steps || a.enteredTopRight != b.enteredTopRight {
                parted.append(a.seed)
                print("seed \(a.seed): lock step reached \(a.reachedCheese) in \(a.steps), alone \(b.reachedCheese) in \(b.steps)")
            }
            #expect(a.metrics == b.metrics && a.decisionSquare == b.decisionSquare && a.cheese == b.cheese)
            let pairs = [(a.pCheese, b.pCheese), (a.pTopRight, b.pTopRight)]
                + zip(a.pCheesePatched, b.pCheesePatched).map { ($0, $1) } + zip(a.pTopRightPatched, b.pTopRightPatched).map { ($0, $1) }
            for (x, y) in pairs {
                #expect((x == nil) == (y == nil), "seed \(a.seed)")
                if let x, let y { #expect(abs(x - y) <= 1e-5, "seed \(a.seed): \(x) vs \(y)") }
            }
        }
        // An episode may part only on an argmax near-tie (last-bit differences between batch sizes); none did
        // on this machine, and more than one would mean the lock-step episodes are not the same episodes.
        #expect(parted.count <= 1, "episodes parted on seeds \(parted)")
        #expect(lockstep.contains { $0.pCheese != nil } && lockstep.contains { !$0.reachedCheese })
    }
}
