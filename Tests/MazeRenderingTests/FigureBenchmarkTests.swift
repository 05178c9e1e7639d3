import Foundation
import RenderJobs
import Testing

@Suite("Figure benchmark")
struct FigureBenchmarkTests {
    /// Scale 1 keeps the test quick; `MAZERENDER_FIGURE_BENCHMARK=4` runs the scale-4 measurement and prints it.
    @Test func stagesAreTimedSeparately() throws {
        let scale = Int(ProcessInfo.processInfo.environment["MAZERENDER_FIGURE_BENCHMARK"] ?? "") ?? 1
        let result = try benchmarkVectorFieldFigure(renderer: try Fixtures.renderer(), scale: scale, repeats: scale > 1 ? 5 : 1)
        #expect(result.positions > 200)
        #expect(result.observationSeconds > 0 && result.forwardSeconds > 0 && result.drawingSeconds > 0)
        print(String(format: "figure benchmark (scale %d, seed %d, %d positions): observations %.2f ms, forward %.1f ms, "
            + "drawing %.2f ms, PNG encoding %.2f ms; (observations + drawing) / forward = %.3f",
            scale, result.seed, result.positions, result.observationSeconds * 1e3, result.forwardSeconds * 1e3,
            result.drawingSeconds * 1e3, result.encodingSeconds * 1e3, result.overheadRatio))
    }
}
