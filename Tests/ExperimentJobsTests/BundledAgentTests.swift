import ExperimentJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import TestSupport
import Testing

/// The bundled agent is every command's default model, and its model card's evaluation must be reproducible.
@Suite("bundled agent", .tags(.slow), SlowTests.trait)
struct BundledAgentTests {
    static let packageRoot = PackagePaths.root

    @Test("the default model is the bundled checkpoint, in the published format, scale 1")
    func defaultModel() throws {
        let url = try #require(ModelLocator.defaultModelURL(environment: [:]))
        #expect(url.standardizedFileURL.path == Self.packageRoot.appendingPathComponent(ModelLocator.bundledRelativePath).standardizedFileURL.path)
        let network = try ModelLocator.loadNetwork(explicit: nil)
        #expect(network.scale == 1 && network.actionCount == 15 && network.channels == [16, 32, 32])
    }

    @Test("mazerender evaluate reproduces MODEL_CARD.md (full default seed sets)")
    func modelCardNumbers() throws {
        let network = try ModelLocator.loadNetwork(explicit: nil)
        let renderer = ObservationRenderer(assets: try ObservationAssets.load())
        let job = EvaluationJob(inDistributionSeeds: Array(1_000_000...1_000_499), anywhereSeeds: Array(0...999),
                                decisionSeeds: Array(0...99), maxSteps: 256)
        let report = try job.run(in: JobContext(network: network, renderer: renderer))
        // MODEL_CARD.md: 341/500 in distribution, 528/1000, 147/687, 52 levels, medians 0.682 -> 0.017, raised on 2.
        // A single argmax flip between BLAS kernels may move a count by one or two, no more.
        #expect(report.inDistribution.total == 500 && abs(report.inDistribution.reached - 341) <= 2)
        // By maze size (3-13, 15-17, 19-25): 228/247, 54/77, 59/176.
        let bands = report.inDistributionBySize
        #expect(bands.map(\.total) == [247, 77, 176])
        for (band, reached) in zip(bands, [228, 54, 59]) {
            #expect(abs(band.reached - reached) <= 2, "maze sizes \(band.band): \(band.reached)")
        }
        #expect(report.anywhere.total == 1000 && abs(report.anywhere.reached - 528) <= 2)
        #expect(report.topRightFirst.eligible == 687 && abs(report.topRightFirst.count - 147) <= 2)
        #expect(report.decision.seeds == 52 && abs(report.decision.rose - 2) <= 1)
        #expect(abs(report.decision.medianOriginal - 0.682) < 0.002)
        #expect(abs(report.decision.medianPatched - 0.017) < 0.002)
    }
}
