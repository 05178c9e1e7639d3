import Foundation
import MazerenderBenchmarks
import TestSupport
import Testing

/// The animate benchmark's shape on a small sweep (2 frames, one run): both times measured, the whole job at
/// least as long as its numbers, the report printed. The 25-frame measurement: `mazerender benchmark animate`.
@Test("animate benchmark: a 2-frame sweep of a 25x25 field, timed whole and as numbers alone")
func animationBenchmark() throws {
    let result = try AnimationBenchmark.run(in: SharedFixtures.context(), frames: 2, runs: 1)
    let run = result.medianRun
    #expect(run.summary.frames == 2)
    #expect(run.numbersAloneSeconds > 0 && run.summary.totalSeconds > 0)
    #expect(run.summary.numbersSeconds <= run.summary.totalSeconds)
    #expect(result.report.contains("animate benchmark"))
    print(result.report)
}

@Test("animate benchmark: a rollout with 4 channel heat maps, timed whole and as its numbers")
func rolloutAnimationBenchmarkShape() throws {
    let result = try RolloutAnimationBenchmark.run(in: SharedFixtures.context(), steps: 5, runs: 1)
    #expect(result.steps >= 5)
    #expect(result.seeds.first == 0)
    let run = try #require(result.runs.first)
    #expect(run.numbersSeconds > 0 && run.totalSeconds >= run.numbersSeconds)
    #expect(run.frames > result.steps)
    #expect(result.report.contains("--rollout of seeds"))
}
