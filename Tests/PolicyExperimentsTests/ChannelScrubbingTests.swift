import ActivationPatching
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import PolicyExperiments
import Tensors
import Testing

/// The bundled scale-1 agent and procgen's assets, found from this file's path.
enum AgentFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let evaluator: Result<PolicyEvaluator, any Error> = Result {
        PolicyEvaluator(
            network: try ImpalaNetwork(contentsOf: packageRoot.appendingPathComponent("Assets/agent/maze-rr5-scale1.pth")),
            renderer: ObservationRenderer(assets: try ObservationAssets(
                directory: packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory).path)))
    }
    static let pool = LevelCellIndex(seeds: Array(10_000..<13_000))

    static func scrubbing() throws -> ChannelScrubbing {
        let evaluator = try evaluator.get()
        return ChannelScrubbing(evaluator: evaluator, layer: try ChannelLayer(ChannelLayer.defaultLabel, network: evaluator.network),
                                pool: pool)
    }
}

@Suite("causal scrubbing at the decision square")
struct ChannelScrubbingTests {
    /// Seeds below 40 that have a decision square.
    static func decisionSeeds(_ scrubbing: ChannelScrubbing, count: Int) -> [Int32] {
        Array((0..<200).filter { scrubbing.target(seed: $0) != nil }.prefix(count))
    }

    @Test("resampling channels from the same maze changes nothing")
    func sameMaze() throws {
        let scrubbing = try AgentFixture.scrubbing()
        for seed in Self.decisionSeeds(scrubbing, count: 4) {
            let target = try #require(scrubbing.target(seed: seed))
            let results = try scrubbing.distributions(target: target, replacements: [
                [(channel: 3, source: target)],
                (0..<32).map { (channel: $0, source: target) },
            ])
            #expect(results.count == 3)
            for patched in results.dropFirst() {
                #expect(ChannelScrubbing.totalVariation(results[0], patched) < 1e-5)
            }
            // And the unpatched element equals the evaluator's own batch-1 forward pass (within float noise).
            let direct = try scrubbing.evaluator.evaluate([target])[0].groups
            #expect(ChannelScrubbing.totalVariation(results[0], direct) < 1e-5)
        }
    }

    @Test("a resampled pass equals ActivationPatching's resample patch with the source level's activations")
    func matchesResamplePatch() throws {
        let scrubbing = try AgentFixture.scrubbing()
        let evaluator = scrubbing.evaluator
        let seed = try #require(Self.decisionSeeds(scrubbing, count: 1).first)
        let target = try #require(scrubbing.target(seed: seed))
        var source = LevelGenerator().generate(seed: 10_123)
        source.removeCheese()
        let other = LevelGenerator().generate(seed: 10_500)
        let results = try scrubbing.distributions(target: target, replacements: [
            [(channel: 5, source: source), (channel: 9, source: other)],
        ])
        // Direct: two resample patches, each with its source's full activation stack.
        let layer = ChannelLayer.defaultLabel
        func activations(_ maze: MazeState) throws -> Tensor {
            let values = try evaluator.activations(of: maze, layer: layer)
            return values.reshaped([1] + values.shape)
        }
        let patch = Patch.resample(layer: layer, channels: .list([5]), source: try activations(source))
            .then(.resample(layer: layer, channels: .list([9]), source: try activations(other)))
        let direct = try evaluator.evaluate([target], edits: patch.edits(for: evaluator.network))[0].groups
        #expect(ChannelScrubbing.totalVariation(results[1], direct) < 1e-5)
        #expect(ChannelScrubbing.totalVariation(results[0], results[1]) > 1e-4)  // the patch did something
    }

    @Test("trials: the protocol's draws, seeded; TV, greedy action and the summary from their definitions")
    func trials() throws {
        let scrubbing = try AgentFixture.scrubbing()
        let chosen = [7, 3, 12]
        var all: [ScrubTrial] = []
        for seed in Self.decisionSeeds(scrubbing, count: 3) {
            let trials = try #require(try scrubbing.trials(seed: seed, chosen: chosen, samples: 2, randomSeed: 42))
            #expect(trials.count == 2 * 2 * 2)
            #expect(try scrubbing.trials(seed: seed, chosen: chosen, samples: 2, randomSeed: 42) == trials)
            #expect(try scrubbing.trials(seed: seed, chosen: chosen, samples: 2, randomSeed: 43) != trials)
            let target = try #require(scrubbing.target(seed: seed))
            for trial in trials {
                #expect(trial.seed == seed && trial.sourceSeeds.count == 3 && !trial.sourceSeeds.contains(seed))
                if trial.location == .same { #expect(trial.cheeseCell == target.cheese) } else { #expect(trial.cheeseCell != target.cheese) }
                if trial.channelSet == .chosen {
                    #expect(trial.channels == [3, 7, 12])
                } else {
                    #expect(trial.channels.count == 3 && Set(trial.channels).isDisjoint(with: chosen) && Set(trial.channels).count == 3)
                }
                for source in trial.sourceSeeds {
                    #expect(AgentFixture.pool.seeds(open: trial.cheeseCell).contains(source))
                }
                let tv = zip(trial.original, trial.patched).map { abs(Double($0) - Double($1)) }.reduce(0, +) / 2
                #expect(abs(trial.change - tv) < 1e-12)
                let argmax = { (p: [Float]) in p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }! }
                #expect(trial.originalAction == ActionGroup.allCases[argmax(trial.original)])
                #expect(trial.actionChanged == (argmax(trial.original) != argmax(trial.patched)))
                #expect(abs(trial.original.reduce(0, +) - 1) < 1e-4 && abs(trial.patched.reduce(0, +) - 1) < 1e-4)
            }
            // Recompute one trial's patched distribution from its recorded source levels.
            let trial = trials[5]
            let replacement = try zip(trial.channels, zip(trial.sourceSeeds, trial.sourceMice)).map { channel, source in
                var maze = LevelGenerator().generate(seed: source.0)
                maze.removeCheese()
                if maze.mouse == trial.cheeseCell { try maze.placeMouse(at: maze.maze(source.1)!) }
                try maze.moveCheese(to: maze.maze(trial.cheeseCell)!)
                try maze.placeMouse(at: maze.maze(source.1)!)
                return (channel: channel, source: maze)
            }
            let direct = try scrubbing.distributions(target: target, replacements: [replacement])
            #expect(ChannelScrubbing.totalVariation(direct[1], trial.patched) < 1e-5)
            #expect(ChannelScrubbing.totalVariation(direct[0], trial.original) < 1e-5)
            all += trials
        }
        let summary = ScrubSummary(all)
        #expect(summary.rows.map(\.trials).reduce(0, +) == all.count)
        for row in summary.rows {
            let subset = all.filter { $0.location == row.location && $0.channelSet == row.channelSet }
            #expect(row.trials == subset.count && row.actionChanged == subset.filter(\.actionChanged).count)
            #expect(abs(row.meanChange - subset.map(\.change).reduce(0, +) / Double(subset.count)) < 1e-12)
        }
        for (index, set) in ScrubChannels.allCases.enumerated() {
            let same = all.filter { $0.channelSet == set && $0.location == .same }
            let larger = same.filter { trial in
                let other = all.first { $0.channelSet == set && $0.location == .different && $0.seed == trial.seed && $0.sample == trial.sample }!
                return other.change > trial.change
            }
            #expect(abs(summary.differentExceedsSame[index] - Double(larger.count) / Double(same.count)) < 1e-12)
        }
        #expect(ScrubSummary.median([3, 1, 2]) == 2 && ScrubSummary.median([4, 1, 3, 2]) == 2.5 && ScrubSummary.median([]) == 0)
    }

    @Test("a control that cannot be drawn is refused with one line")
    func refusals() throws {
        let scrubbing = try AgentFixture.scrubbing()
        let seed = try #require(Self.decisionSeeds(scrubbing, count: 1).first)
        let error = try #require(throws: ScrubError.self) {
            try scrubbing.trials(seed: seed, chosen: Array(0..<17), samples: 1, randomSeed: 0)
        }
        #expect(error.description.hasPrefix("--channels") && !error.description.contains("\n"))
        let empty = ChannelScrubbing(evaluator: scrubbing.evaluator, layer: scrubbing.layer, pool: LevelCellIndex(seeds: []))
        #expect(throws: ScrubError.self) { try empty.trials(seed: seed, chosen: [1], samples: 1, randomSeed: 0) }
    }
}
