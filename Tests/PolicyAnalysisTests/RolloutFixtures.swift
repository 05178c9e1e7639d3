import ActivationPatching
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import Tensors
import TestSupport

/// The scale-1 reference checkpoint and procgen's assets, found from this file's path, and the variants the
/// rollout tests play: the original policy and the cheese vector (coefficient -1) of each seed.
enum RolloutFixtures {
    static let packageRoot = PackagePaths.root
    static let model = URL(fileURLWithPath: PackagePaths.referenceModel)
    static let assetDirectory = packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory).path
    static let generator = LevelGenerator()

    static let evaluator: Result<PolicyEvaluator, any Error> = Result {
        PolicyEvaluator(network: try ImpalaNetwork(contentsOf: model),
                        renderer: ObservationRenderer(assets: try ObservationAssets(directory: assetDirectory)))
    }

    /// `[original, cheese vector of seed s with coefficient -1]` for each seed.
    static func variants(for seeds: [Int32], evaluator: PolicyEvaluator) throws -> [[RolloutVariant]] {
        let resolver = PatchResolver(network: evaluator.network) { seed, variant in
            var maze = generator.generate(seed: Int32(seed))
            switch variant {
            case .original: break
            case .cheeseRemoved: maze.removeCheese()
            default: throw FixtureError("unexpected maze variant \(variant)")
            }
            return evaluator.input(for: [maze])
        }
        return try seeds.map { seed in
            let patch = try resolver.patch(for: [PatchSpec(kind: .cheese, coeff: -1)], targetSeed: Int(seed))
            return [RolloutVariant(name: "original"),
                    RolloutVariant(name: "cheese", edits: try patch.edits(for: evaluator.network))]
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Everything a rollout recorded, as a comparable value.
struct RolloutRecord: Equatable {
    var seed: Int32
    var variant: String
    var states: [MazeState]
    var distributions: [ActionDistribution]
    var actions: [MazeAction]
    var rewards: [Float]
    var finalState: MazeState
    var ending: Rollout.Ending

    init(_ rollout: Rollout) {
        seed = rollout.seed
        variant = rollout.variant
        states = rollout.steps.map(\.state)
        distributions = rollout.steps.map(\.distribution)
        actions = rollout.steps.map(\.action)
        rewards = rollout.steps.map(\.reward)
        finalState = rollout.finalState
        ending = rollout.ending
    }
}

func records(_ rollouts: [[Rollout]]) -> [[RolloutRecord]] { rollouts.map { $0.map(RolloutRecord.init) } }
