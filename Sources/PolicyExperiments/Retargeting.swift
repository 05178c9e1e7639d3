import ActivationPatching
import Foundation
import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis

/// A channel intervention of the retargeting experiment (procgen-tools' `retarget_to_square` /
/// `combined_pixel_patch`): at `layer`, the selected channels get `value` at the channel-map cell over the
/// target square and `background` at every other cell.
public struct ChannelRetargeting: Sendable, Equatable {
    /// What the `intervention` column calls it (`effective`, `cheese-channels`, `55`, `8+55+77`).
    public var name: String
    public var layer: String
    public var channels: [Int]
    public var value: Float
    /// The other cells of the selected channels. nil is procgen-tools' `default=None`: the values the channels
    /// have with the mouse on the start square (batch element 0 of procgen-tools' vector field).
    public var background: Float?

    public init(name: String, layer: String = PatchResolver.defaultLayer, channels: [Int], value: Float,
                background: Float? = nil) {
        self.name = name
        self.layer = layer
        self.channels = channels
        self.value = value
        self.background = background
    }

    /// The retarget patch for the channel-map `cell` (the existing `retarget` patch kind).
    public func patch(cell: ChannelCell) -> Patch {
        .setCell(layer: layer, channels: .list(channels), cell: cell, value: value, background: background)
    }
}

/// One condition of the experiment, named as the CSV's `intervention` column names it.
public enum RetargetingCondition: Sendable, Equatable {
    /// No intervention: the cheese-free maze as it is.
    case normal
    /// The cheese moved onto the target square.
    case cheese
    /// A channel intervention at the channel cell over the target square.
    case channels(ChannelRetargeting)

    public var name: String {
        switch self {
        case .normal: "normal"
        case .cheese: "cheese"
        case let .channels(intervention): intervention.name
        }
    }

    /// The `magnitude` column: the value written into the channels (nil, an empty cell, for the others, as
    /// procgen-tools leaves it for `normal` and `cheese`).
    public var magnitude: Float? {
        if case let .channels(intervention) = self { return intervention.value }
        return nil
    }
}

/// A target square: every open square of the cheese-free maze except the start (procgen-tools'
/// `retarget_heatmap` takes the legal positions of the grid with the mouse on the start, so the start is
/// never a target).
public struct RetargetingTarget: Sendable, Equatable {
    /// Maze coordinates (x right, y up, the start at 0,0).
    public let square: MazePoint
    /// The shortest path from the start to `square`, both included.
    public let path: [MazePoint]
    /// procgen-tools' `distance_to_tr_path`: squares of `path` that are not on the path from the start to the
    /// top-right square.
    public let topRightDivergence: Int

    /// procgen-tools' `d_to_coord`: squares on the path, start and target included.
    public var distance: Int { path.count }

    public init(square: MazePoint, path: [MazePoint], topRightDivergence: Int) {
        self.square = square
        self.path = path
        self.topRightDivergence = topRightDivergence
    }
}

/// One CSV row: a target square of one level under one condition.
public struct RetargetingRow: Sendable, Equatable {
    public var seed: Int32
    public var mazeSize: Int
    public var target: RetargetingTarget
    public var condition: String
    public var magnitude: Float?
    /// Geometric mean over the path's squares except the target of the 5-way probability of the path's step.
    public var probability: Double

    public init(seed: Int32, mazeSize: Int, target: RetargetingTarget, condition: String, magnitude: Float?,
                probability: Double) {
        self.seed = seed
        self.mazeSize = mazeSize
        self.target = target
        self.condition = condition
        self.magnitude = magnitude
        self.probability = probability
    }

    /// procgen-tools' columns, then the divergence its notebook adds (`topright_path_divergence`).
    /// `row` is the maze y (0 at the bottom), `col` the maze x, as procgen-tools' inner grid indexes them.
    public static let columns = ["row", "col", "maze_size", "d_to_coord", "probability", "magnitude",
                                 "intervention", "seed", "topright_path_divergence"]

    public var cells: [String] {
        [String(target.square.y), String(target.square.x), String(mazeSize), String(target.distance),
         BehaviourRow.text(probability), magnitude.map { BehaviourRow.text($0) } ?? "", condition, String(seed),
         String(target.topRightDivergence)]
    }
}

/// The results of one level.
public struct RetargetingLevel: Sendable {
    public let seed: Int32
    /// The level with its cheese removed, the mouse on the start.
    public let maze: MazeState
    public let targets: [RetargetingTarget]
    public let conditions: [RetargetingCondition]
    /// `probabilities[c][t]`: condition `c`, target `t`.
    public let probabilities: [[Double]]
    /// Observations the policy evaluated for this level.
    public let observations: Int

    /// The level's rows, condition by condition, targets bottom row first.
    public var rows: [RetargetingRow] {
        conditions.enumerated().flatMap { c, condition in
            targets.enumerated().map { t, target in
                RetargetingRow(seed: seed, mazeSize: maze.mazeDimension, target: target, condition: condition.name,
                               magnitude: condition.magnitude, probability: probabilities[c][t])
            }
        }
    }
}

/// procgen-tools' retargeting experiment (`collect_retargeting_data` with `retarget_heatmap`): for a level with
/// its cheese removed and each target square, the probability of walking the shortest path from the start to
/// the target (`geometric_probability_path`: the geometric mean, over the path's squares except the target, of
/// the policy's 5-way grouped probability of the path's step), under each condition.
///
/// Only what a target's probability reads is computed:
/// - `normal`: one vector field of the level (every open square), one batch;
/// - `cheese`: per target, the maze with the cheese on it, the mouse on the path's squares except the target;
/// - channels: per channel-map cell, one batch with the patch at that cell, the mouse on the start square
///   and on the path squares of every target over that cell. Targets sharing a cell share the batch.
///
/// Differences from procgen-tools, deliberate: its `retarget_heatmap` caches results by channel cell and gives
/// every later target over the same cell the first target's path probability (in the cheese condition too);
/// here each target gets its own path's. Its `cheese_at_square` returns nothing when the target's channel cell
/// is (0, 0) (it compares the channel cell with the start square); here those squares are computed too. Its vector-field probabilities are already grouped 5 ways (`human_readable_actions`), so there is no
/// first-5-of-15 issue here. Cost per level: the open squares plus the sum of the path lengths (cheese) plus
/// about that again per channel condition, in observations.
public struct RetargetingExperiment: Sendable {
    public var conditions: [RetargetingCondition]

    public init(conditions: [RetargetingCondition]) {
        self.conditions = conditions
    }

    /// Checks every channel condition against `network` (layer known and spatial, channels in range) before
    /// any level runs. - Throws: `ImpalaPolicyError.unknownLabel`, `PatchError`.
    public func check(network: ImpalaNetwork) throws {
        for case let .channels(intervention) in conditions {
            let shape = try network.activationShape(of: intervention.layer)
            guard shape.count == 3 else {
                throw PatchError.notSpatial(layer: intervention.layer, patch: "retarget")
            }
            _ = try intervention.patch(cell: ChannelCell(row: 0, column: 0)).edits(for: network)
        }
    }

    /// The targets of `maze` (its cheese ignored): open squares except the start, bottom row first.
    public static func targets(in maze: MazeState) -> [RetargetingTarget] {
        let start = MazePoint(x: 0, y: 0)
        let topRight = Set(maze.pathToTopRight ?? [])
        return maze.openCells.compactMap { square in
            guard square != start, let path = maze.shortestPath(from: start, to: square) else { return nil }
            return RetargetingTarget(square: square, path: path,
                                     topRightDivergence: path.filter { !topRight.contains($0) }.count)
        }
    }

    /// Runs every condition on `level` (its cheese is removed first, the mouse put on the start).
    /// - Throws: what the network or a patch throws.
    public func run(seed: Int32, level: MazeState, evaluator: PolicyEvaluator) throws -> RetargetingLevel {
        var maze = level
        maze.removeCheese()
        try maze.placeMouse(at: MazePoint(x: 0, y: 0))
        let targets = Self.targets(in: maze)
        var observations = 0
        var probabilities: [[Double]] = []
        for condition in conditions {
            let (values, count) = try probabilitiesUnder(condition, maze: maze, targets: targets, evaluator: evaluator)
            probabilities.append(values)
            observations += count
        }
        return RetargetingLevel(seed: seed, maze: maze, targets: targets, conditions: conditions,
                                probabilities: probabilities, observations: observations)
    }

    /// One condition's probability per target, and the observations it evaluated.
    func probabilitiesUnder(_ condition: RetargetingCondition, maze: MazeState, targets: [RetargetingTarget],
                            evaluator: PolicyEvaluator) throws -> ([Double], Int) {
        switch condition {
        case .normal:
            let field = try VectorField(maze: maze, evaluator: evaluator)
            return (targets.map { Self.probability(of: $0, in: field) }, field.positions.count)
        case .cheese:
            var observations = 0
            let values = try targets.map { target -> Double in
                var moved = maze
                try moved.moveCheese(to: target.square)
                let cells = Array(target.path.dropLast())
                let field = VectorField(maze: moved, positions: cells,
                                        distributions: try evaluator.evaluate(moved, mouseCells: cells))
                observations += cells.count
                return Self.probability(of: target, in: field)
            }
            return (values, observations)
        case let .channels(intervention):
            let mapSize = try evaluator.network.activationShape(of: intervention.layer)[1]
            var byCell: [ChannelCell: [Int]] = [:]
            var cellOrder: [ChannelCell] = []
            for (index, target) in targets.enumerated() {
                let world = maze.world(target.square)
                let cell = ChannelCell(mazeRow: world.y, mazeColumn: world.x, mapSize: mapSize)
                if byCell[cell] == nil { cellOrder.append(cell) }
                byCell[cell, default: []].append(index)
            }
            var values = [Double](repeating: .nan, count: targets.count)
            var observations = 0
            for cell in cellOrder {
                let members = byCell[cell]!
                // The start first: with no background value the patch copies batch element 0's maps, which must
                // be the start observation's (as in procgen-tools' vector field), so the batch is never split.
                var cells = [MazePoint(x: 0, y: 0)]
                var seen = Set(cells)
                for index in members {
                    for square in targets[index].path.dropLast() where seen.insert(square).inserted { cells.append(square) }
                }
                var single = evaluator
                single.batchSize = max(evaluator.batchSize, cells.count)
                let edits = try intervention.patch(cell: cell).edits(for: evaluator.network)
                let field = VectorField(maze: maze, positions: cells,
                                        distributions: try single.evaluate(maze, mouseCells: cells, edits: edits))
                observations += cells.count
                for index in members { values[index] = Self.probability(of: targets[index], in: field) }
            }
            return (values, observations)
        }
    }

    /// `geometric_probability_path` from the start to `target` in `field` (which holds every square of the
    /// path but the target).
    static func probability(of target: RetargetingTarget, in field: VectorField) -> Double {
        guard let value = field.pathProbability(to: target.square) else {
            preconditionFailure("the field lacks a square of the path to \(target.square)")
        }
        return value
    }
}
