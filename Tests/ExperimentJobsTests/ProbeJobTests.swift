import ActivationPatching
import ExperimentJobs
import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments
import TestSupport
import Testing

/// `ProbeJob`: a small run on the bundled agent whose files are read back, batched sampling, refusals.
@Suite("linear probes (probe)", .serialized)
struct ProbeJobTests {
    static let bundledModel = PackagePaths.root.appendingPathComponent("Assets/agent/maze-rr5-scale1.pth").path

    /// The job on the bundled agent, small: every file is there and means what it says.
    @Test("a small run writes samples, probes, summary and plots that agree with the levels and each other")
    func smallRun() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let network = try ModelLocator.loadNetwork(explicit: Self.bundledModel)
        let renderer = ObservationRenderer(assets: try SharedFixtures.assets.get())
        let layers = ["fc_policy_out", "embedder.block3.res2.resadd_out"]
        let experiment = LinearProbeExperiment(layers: layers, targets: [.cheeseX, .squareOpen(ProbeTarget.defaultSquare)],
                                               ks: [1, 4, 20], splitCount: 2, splitSeed: 3)
        let job = ProbeJob(seeds: Array(0..<400), sampleCount: 40, sampling: ProbeSampling(selection: .sample(seed: 3)),
                           experiment: experiment, out: scratch.file("out"))
        let context = JobContext(network: network, renderer: renderer)
        let outcome = try job.run(in: context)
        #expect(outcome.sampling.samples.count == 40)

        let samples = try CSVTable(parsing: String(contentsOfFile: scratch.file("out/samples.csv"), encoding: .utf8), file: "samples.csv")
        #expect(samples.columns == ProbeJob.samplesColumns && samples.rows.count == 40)
        for row in samples.rows {
            let maze = LevelGenerator().generate(seed: Int32(row[0])!)
            let square = try #require(maze.decisionSquare)
            #expect(Int(row[1]) == maze.mazeDimension)
            #expect(Int(row[2]) == square.x && Int(row[3]) == square.y)
            #expect(Int(row[5]) == maze.cheese?.x && Int(row[6]) == maze.cheese?.y)
        }
        for sample in outcome.sampling.samples { #expect(sample.state.mouseMaze == sample.decisionSquare) }
        let seeds = samples.rows.map { Int32($0[0])! }
        #expect(seeds == seeds.sorted())

        let probes = try CSVTable(parsing: String(contentsOfFile: scratch.file("out/probes.csv"), encoding: .utf8), file: "probes.csv")
        #expect(probes.columns == ProbeJob.probesColumns)
        // fc_policy_out has 15 features: K = 1, 4, 15; block3 has 2048: 1, 4, 20. Two targets, two splits.
        #expect(probes.rows.count == 2 * 2 * 2 * 3)
        let kColumn = try #require(probes.column("k")).compactMap(Int.init)
        #expect(Set(kColumn) == [1, 4, 15, 20])
        for row in probes.rows {
            let test = try #require(Double(row[10])), train = try #require(Double(row[9]))
            if row[2] == "accuracy" { #expect((0...1).contains(test) && (0...1).contains(train)) } else { #expect(test <= 1 && train <= 1) }
            #expect(Int(row[7])! == 32 && Int(row[8])! == 8)  // 80/20 of 40, test rounded up
        }
        let summary = try CSVTable(parsing: String(contentsOfFile: scratch.file("out/summary.csv"), encoding: .utf8), file: "summary.csv")
        #expect(summary.rows.count == 12)
        // The summary's mean is the mean of the two splits' test scores.
        let first = probes.rows.filter { $0[0] == summary.rows[0][0] && $0[1] == summary.rows[0][1] && $0[3] == summary.rows[0][3] }
        #expect(first.count == 2)
        let mean = first.map { Double($0[10])! }.reduce(0, +) / 2
        #expect(abs(Double(summary.rows[0][5])! - mean) < 1e-12)

        let plots = try FileManager.default.contentsOfDirectory(atPath: scratch.file("out/plots")).sorted()
        #expect(plots.contains("layer-fc_policy.png") && plots.contains("layer-block3.res2.svg"))
        #expect(plots.contains("target-cheese-x.png"))
        let svg = try String(contentsOfFile: scratch.file("out/plots/layer-block3.res2.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("</svg>"))
        let png = try Data(contentsOf: URL(fileURLWithPath: scratch.file("out/plots/layer-fc_policy.png")))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))

        // Same inputs, same bytes.
        var again = job
        again.out = scratch.file("again")
        _ = try again.run(in: context)
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.file("again/probes.csv")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.file("out/probes.csv"))))
    }

    /// The lock-step batched episodes of `collect` are the batch-1 episodes of `Rollouts.play`.
    @Test("batched sampling gives the samples of one episode at a time", arguments: [ActionSelection.argmax, .sample(seed: 9)])
    func lockstepEqualsBatchOne(selection: ActionSelection) throws {
        let network = try ModelLocator.loadNetwork(explicit: Self.bundledModel)
        let evaluator = PolicyEvaluator(network: network, renderer: ObservationRenderer(assets: try SharedFixtures.assets.get()))
        let sampling = ProbeSampling(maxSteps: 120, selection: selection)
        let seeds = Array(Int32(100)..<Int32(130))
        let batched = try sampling.collect(seeds: seeds, count: nil, evaluator: evaluator, blockSize: 7)
        let single = try seeds.compactMap { try sampling.sample(seed: $0, evaluator: evaluator) }
        #expect(batched.samples == single)
        #expect(batched.seedsExamined == 30)
        #expect(batched.samples.count + batched.withoutDecisionSquare + batched.squareNeverVisited == 30)
    }

    @Test("a channel outside a layer's range and a one-class target are refused in one line")
    func refusesAtRunTime() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let network = try ModelLocator.loadNetwork(explicit: Self.bundledModel)
        let renderer = ObservationRenderer(assets: try SharedFixtures.assets.get())
        let tooHigh = ProbeJob(seeds: Array(0..<50), sampleCount: 10, sampling: ProbeSampling(),
                               experiment: LinearProbeExperiment(layers: ["embedder.block1.res1.resadd_out"], targets: [.cheeseX],
                                                                 channels: "3,40"), out: scratch.file("a"))
        let context = JobContext(network: network, renderer: renderer)
        #expect(throws: JobError.self) { try tooHigh.run(in: context) }
        do { _ = try tooHigh.run(in: context) } catch {
            #expect("\(error)".contains("--channels") && !"\(error)".contains("\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("a")))
        // The cheese never sits on the world's corner cell (sand, or the mouse's start in a 25x25 maze).
        let oneClass = ProbeJob(seeds: Array(0..<60), sampleCount: 10, sampling: ProbeSampling(),
                                experiment: LinearProbeExperiment(layers: ["fc_policy_out"],
                                                                  targets: [.cheeseAt(WorldPoint(x: 0, y: 0))]),
                                out: scratch.file("b"))
        do {
            _ = try oneClass.run(in: context)
            Issue.record("accepted a one-class target")
        } catch {
            #expect("\(error)".contains("--targets") && "\(error)".contains("cheese-at(0,0)"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("b")))
    }
}
