import MazeSimulation
import PolicyAnalysis
import Testing

/// An argmax episode that comes back to a state repeats itself: `endOnLoop` stops it there, and what it stops is
/// checked against the same episode played on without stopping.
@Suite("argmax loops end the episode")
struct RolloutLoopTests {
    static let seeds: [Int32] = Array(0..<12)

    @Test("a loop ending is a true repeat: played on, the episode cycles with that period to the end, without the cheese")
    func loopsRepeat() throws {
        let evaluator = try RolloutFixtures.evaluator.get()
        let variant = RolloutVariant(name: "original")
        var loops = 0
        for seed in Self.seeds {
            let maze = RolloutFixtures.generator.generate(seed: seed)
            let stopped = try Rollouts.play(maze, variant: variant, evaluator: evaluator, maxSteps: 500, endOnLoop: true)
            let full = try Rollouts.play(maze, variant: variant, evaluator: evaluator, maxSteps: 500)
            // Up to where it stopped, the episode is the ordinary one.
            #expect(stopped.steps.map(\.action) == Array(full.steps.prefix(stopped.steps.count)).map(\.action), "seed \(seed)")
            guard stopped.ending == .loop else {
                #expect(stopped.ending == full.ending && stopped.steps.count == full.steps.count, "seed \(seed)")
                #expect(stopped.loopStart == nil)
                continue
            }
            loops += 1
            let start = try #require(stopped.loopStart), period = stopped.steps.count - start
            #expect(period >= 1 && start < stopped.steps.count)
            let first = stopped.steps[start].state
            #expect(stopped.finalState.mouse == first.mouse && stopped.finalState.facing == first.facing, "seed \(seed)")
            #expect(full.ending != .cheese, "seed \(seed): the full episode found the cheese after a 'loop'")
            for index in start..<full.steps.count {
                #expect(full.steps[index].action == full.steps[start + (index - start) % period].action,
                        "seed \(seed): step \(index) breaks the period \(period) from step \(start)")
            }
        }
        // The bundled agent loops on some of these levels (seeds 0 and 2 in the README's video); a suite where
        // nothing loops tests nothing.
        #expect(loops >= 1)
    }

    @Test("sampled episodes never end as loops")
    func sampledIgnoresLoops() throws {
        let evaluator = try RolloutFixtures.evaluator.get()
        for seed in Self.seeds.prefix(4) {
            let maze = RolloutFixtures.generator.generate(seed: seed)
            let a = try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator, maxSteps: 120,
                                      selection: .sample(seed: 3), endOnLoop: true)
            let b = try Rollouts.play(maze, variant: RolloutVariant(name: "original"), evaluator: evaluator, maxSteps: 120,
                                      selection: .sample(seed: 3))
            #expect(a.ending != .loop && a.steps.map(\.action) == b.steps.map(\.action))
        }
    }
}
