import ActivationPatching
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import Tensors

/// Turns patch specs into the forward-pass edits for one target level.
///
/// Maze-dependent vectors are computed from that level unless the spec names a `source`: the cheese vector for
/// seed `s` is `act(s with cheese) - act(s without cheese)` at `embedder.block2.res1.resadd_out` (mouse at the
/// start), added with coefficient -1 by default, as procgen-tools does; the top-right vector is
/// `act(s with the top-right path) - act(s)`.
///
/// - Parameters:
///   - specs: applied in order (composed into one sequence).
///   - targetSeed: the level the edits will be used on.
///   - network: the policy whose activations make the vectors and whose site shapes the edits must fit.
///   - renderer: turns the source mazes into network input.
///   - generator: how seeds become mazes (the same generator the rollouts use).
/// - Returns: the edits, checked against `network`'s site shapes; empty for no specs.
/// - Throws: `PatchSourceError` naming the seed and the spec for a maze that cannot be built (for example a level without
///   cheese for the cheese vector), or the resolver's `PatchError` / `ImpalaPolicyError`.
///
/// Cost: two batch-1 forward passes per maze-dependent spec.
public func resolveEdits(specs: [PatchSpec], targetSeed: Int32, network: ImpalaNetwork,
                         renderer: ObservationRenderer, generator: LevelGenerator) throws -> [ActivationEdit] {
    guard !specs.isEmpty else { return [] }
    let resolver = PatchResolver(network: network) { seed, variant in
        renderer.networkInput(for: [try patchSourceMaze(seed: seed, variant: variant, generator: generator)])
    }
    return try resolver.patch(for: specs, targetSeed: Int(targetSeed)).edits(for: network)
}

/// The maze a patch builder asks for: level `seed` as generated, without its cheese, with the top-right path,
/// or with its cheese moved to where another level has it. The mouse stays at the start.
/// - Throws: `PatchSourceError` when the level has no cheese to remove or move, or the cheese cannot go there.
func patchSourceMaze(seed: Int, variant: MazeVariant, generator: LevelGenerator) throws -> MazeState {
    guard let level = Int32(exactly: seed), level >= 0 else {
        throw PatchSourceError("patch source seed \(seed) is not a level seed (0 ... 2147483647)")
    }
    var maze = generator.generate(seed: level)
    switch variant {
    case .original:
        break
    case .cheeseRemoved:
        guard maze.cheese != nil else {
            throw PatchSourceError("seed \(seed) has no cheese, so its cheese vector is zero; pick another seed or source=SEED")
        }
        maze.removeCheese()
    case .topRightPath:
        maze = maze.withTopRightPath()
    case let .cheeseAtLocationOf(other):
        guard let otherLevel = Int32(exactly: other), otherLevel >= 0 else {
            throw PatchSourceError("seed \(other) is not a level seed (0 ... 2147483647)")
        }
        guard let cell = generator.generate(seed: otherLevel).cheeseMaze else {
            throw PatchSourceError("seed \(other) has no cheese to copy the position of")
        }
        do {
            try maze.moveCheese(to: cell)
        } catch {
            throw PatchSourceError("seed \(seed): cannot move the cheese to \(cell) (where seed \(other) has it): \(error)")
        }
    }
    return maze
}

/// A patch's source maze that cannot be built (a level without cheese for the cheese vector, a seed out of range);
/// one line naming the seed and what to pick instead.
public struct PatchSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
