import Foundation
import MazerenderBenchmarks
import TestSupport
import Testing

/// The benchmark (`--seeds 0..20`, default variants, 256 steps, 384 px panels, MP4) on the reference
/// checkpoint, printed. Run with `ROLLOUT_BENCHMARK=1 swift test -c release --filter rolloutBenchmark`.
@Test("rollout benchmark", .enabled(if: ProcessInfo.processInfo.environment["ROLLOUT_BENCHMARK"] != nil))
func rolloutBenchmark() throws {
    let result = try RolloutBenchmark.run(RolloutBenchmark.standardJob(), in: SharedFixtures.context())
    print(result.report)
}
