import Foundation
import MazeSimulation
import MazerenderBenchmarks
import TestSupport
import Testing

@Suite("Figure benchmark")
struct FigureBenchmarkTests {
    /// The benchmark times the figure it says it times: the first 25x25 level, one arrow per legal mouse
    /// position, and a ratio made of its own stage timings. Scale 1 keeps the test quick;
    /// `MAZERENDER_FIGURE_BENCHMARK=4` runs the scale-4 measurement and prints it.
    @Test func measuresTheFirstFullSizeLevelWithOneObservationPerPosition() throws {
        let scale = Int(ProcessInfo.processInfo.environment["MAZERENDER_FIGURE_BENCHMARK"] ?? "") ?? 1
        let result = try benchmarkVectorFieldFigure(renderer: try SharedFixtures.renderer(), scale: scale,
                                                    repeats: scale > 1 ? 5 : 1)
        let generator = LevelGenerator()
        let firstFullSize = try #require((Int32(0)..<1000).first { generator.generate(seed: $0).mazeDimension == 25 })
        #expect(result.seed == firstFullSize)
        #expect(result.positions == generator.generate(seed: firstFullSize).legalMousePositions.count)
        let stages = [result.observationSeconds, result.forwardSeconds, result.drawingSeconds, result.encodingSeconds]
        #expect(stages.allSatisfy { $0.isFinite && $0 > 0 }, "\(stages)")
        #expect(abs(result.overheadRatio - (result.observationSeconds + result.drawingSeconds) / result.forwardSeconds) < 1e-12)
        print(String(format: "figure benchmark (scale %d, seed %d, %d positions): observations %.2f ms, forward %.1f ms, "
            + "drawing %.2f ms, PNG encoding %.2f ms; (observations + drawing) / forward = %.3f",
            scale, result.seed, result.positions, result.observationSeconds * 1e3, result.forwardSeconds * 1e3,
            result.drawingSeconds * 1e3, result.encodingSeconds * 1e3, result.overheadRatio))
    }
}
