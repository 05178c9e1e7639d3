import MazerenderBenchmarks
import TestSupport
import Testing

/// The evaluate benchmark's shape on 4 + 8 levels without PyTorch: both ways of playing timed, every step counted
/// once, the episodes compared, the report printed. The measurement: `mazerender benchmark evaluate`.
@Test("evaluate benchmark: evaluate's episodes played alone and in lock step")
func evaluationBenchmarkShape() throws {
    let result = try EvaluationBenchmark.run(network: SharedFixtures.bundledNetwork.get(), model: "the bundled agent",
                                             renderer: SharedFixtures.renderer(), levels: 4, torchScript: nil)
    #expect(result.episodes == 12 && result.levels.inDistribution == 4 && result.levels.anywhere == 8)
    let counts = result.statistics
    #expect(result.observations == counts.observations && result.observations > 0)
    #expect(counts.repeated + counts.incremental + counts.unchanged + counts.full == result.observations)
    #expect(counts.full >= result.episodes)
    #expect(result.aloneSeconds > 0 && result.lockstepSeconds > 0)
    // Last-bit differences between batch sizes and BLAS kernels can flip an argmax only on a near-tie: all 12
    // agreed under OpenBLAS's Prescott kernel; more than one parting would mean different episodes.
    #expect(result.identicalEpisodes >= result.episodes - 1)
    #expect(result.report.contains("evaluate episodes: scale 1") && result.report.contains("PyTorch not measured"))
    print(result.report)
}
