import ImpalaPolicy
import Tensors

/// The version of a maze whose observation a patch builder needs. The simulator side turns these into
/// observations; this module never looks inside a maze.
public enum MazeVariant: Hashable, Sendable, Codable {
    /// The level as generated, mouse at its start.
    case original
    /// The same level with the cheese removed, mouse at the start (the cheese vector's second half).
    case cheeseRemoved
    /// The level edited so a path leads to the top-right corner (procgen-tools `get_top_right_venv_pair`).
    case topRightPath
    /// The level with its cheese moved to where level `seed` has its cheese (resampling "same location").
    case cheeseAtLocationOf(seed: Int)
}

/// Turns `PatchSpec`s into concrete `Patch`es for a target level. Maze-dependent builders run the network on
/// observations obtained through `observation`, which the caller supplies: `(seed, variant)` → the
/// network input for that maze, `[1, 3, 64, 64]` (or `[3, 64, 64]`) floats in `[0, 1]`.
public struct PatchResolver {
    public static let defaultLayer = "embedder.block2.res1.resadd_out"

    public let network: ImpalaNetwork
    public let observation: (_ seed: Int, _ variant: MazeVariant) throws -> Tensor

    public init(network: ImpalaNetwork, observation: @escaping (_ seed: Int, _ variant: MazeVariant) throws -> Tensor) {
        self.network = network
        self.observation = observation
    }

    /// All specs resolved and composed in order.
    public func patch(for specs: [PatchSpec], targetSeed: Int) throws -> Patch {
        .sequence(try specs.map { try patch(for: $0, targetSeed: targetSeed) })
    }

    /// One spec resolved for `targetSeed`. - Throws: `PatchError`, `ImpalaPolicyError`, or what
    /// `observation` throws.
    public func patch(for spec: PatchSpec, targetSeed: Int) throws -> Patch {
        let layer = spec.layer ?? Self.defaultLayer
        let shape = try network.activationShape(of: layer)
        func required<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw PatchError.missingValue(spec: spec.description, key: key) }
            return value
        }
        switch spec.kind {
        case .cheese:
            let seed = spec.source ?? targetSeed
            let vector = try difference(layer, (seed, .original), minus: (seed, .cheeseRemoved))
            return .addVector(layer: layer, vector: vector, coefficient: spec.coeff ?? -1)
        case .topRight:
            let seed = spec.source ?? targetSeed
            let vector = try difference(layer, (seed, .topRightPath), minus: (seed, .original))
            return .addVector(layer: layer, vector: vector, coefficient: spec.coeff ?? 1)
        case .retarget:
            let cell: ChannelCell
            if let given = spec.cell {
                cell = given
            } else {
                let square = try required(spec.square, "cell")
                guard shape.count == 3 else { throw PatchError.notSpatial(layer: layer, patch: spec.description) }
                cell = ChannelCell(mazeRow: square.row, mazeColumn: square.column, mapSize: shape[1])
            }
            return .setCell(layer: layer, channels: spec.channels ?? .list([55]), cell: cell,
                            value: spec.value ?? 5.5, background: spec.background)
        case .ablate:
            let channels = try required(spec.channels, "channels")
            switch spec.mode ?? .zero {
            case .zero: return .ablate(layer: layer, channels: channels, mode: .zero)
            case .mean: return .ablate(layer: layer, channels: channels, mode: .mean(reference: nil))
            case .multiply:
                let factor = try required(spec.factor, "factor")
                return .ablate(layer: layer, channels: channels, mode: .multiply(positive: factor, negative: factor))
            }
        case .random:
            return .addRandom(layer: layer, std: spec.std ?? 0.25, seed: spec.seed ?? 0, coefficient: spec.coeff ?? 1)
        case .resample:
            let channels = try required(spec.channels, "channels")
            let seed = try required(spec.source, "source")
            let variant: MazeVariant = spec.cheese == .target ? .cheeseAtLocationOf(seed: targetSeed) : .original
            let source = try activations(layer, of: [(seed, variant)])
            return .resample(layer: layer, channels: channels, source: source)
        }
    }

    /// `act(a) - act(b)` at `layer`, per observation.
    private func difference(_ layer: String, _ a: (Int, MazeVariant), minus b: (Int, MazeVariant)) throws -> Tensor {
        let both = try activations(layer, of: [a, b])
        let half = both.count / 2
        let scalars = (0..<half).map { both.scalars[$0] - both.scalars[half + $0] }
        return Tensor(shape: Array(both.shape.dropFirst()), scalars: scalars)
    }

    /// Unpatched activations at `layer` for the given mazes, `[M, ...]`.
    private func activations(_ layer: String, of mazes: [(Int, MazeVariant)]) throws -> Tensor {
        let inputs = try mazes.map { seed, variant -> Tensor in
            let x = try observation(seed, variant)
            return x.rank == 3 ? x.reshaped([1] + x.shape) : x
        }
        let output = try network.forward(Tensor.concatenatingBatches(inputs), capturing: [layer])
        return output.activations[layer]!
    }
}
