import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import Statistics
import Tensors

/// Where the resampled maps' cheese sits, relative to the target level's cheese.
public enum ScrubLocation: String, Sendable, CaseIterable, Codable {
    /// Source levels have their cheese on the target's cheese cell (hypothesis: behaviour unchanged).
    case same
    /// Source levels have their cheese on another cell (the contrast).
    case different
}

/// Which channels are resampled.
public enum ScrubChannels: String, Sendable, CaseIterable, Codable {
    /// The channels under test (`--channels`).
    case chosen
    /// The control: as many random other channels, drawn afresh per sample and location.
    case random
}

/// One resampled forward pass: a target level with the mouse on its decision square, some channels' maps
/// replaced by the maps of source levels.
public struct ScrubTrial: Sendable, Equatable {
    public var seed: Int32
    public var sample: Int
    public var location: ScrubLocation
    public var channelSet: ScrubChannels
    /// The resampled channels, ascending.
    public var channels: [Int]
    /// The world cell the source levels' cheese was put on.
    public var cheeseCell: WorldPoint
    /// The same cell in the target level's maze coordinates (world cell minus the target's margin). For
    /// `.same` it is the target's cheese; for `.different` it is another level's cheese cell and can lie in the
    /// target's padding, outside `0..<mazeDimension` (negative or past the edge).
    public var cheeseMaze: MazePoint
    /// Per channel (same order as `channels`), the pool level its map came from ...
    public var sourceSeeds: [Int32]
    /// ... and where the mouse was put in it (the cheese was moved onto `cheeseCell`), as a world cell ...
    public var sourceMice: [WorldPoint]
    /// ... and as a maze cell of that source level (its own maze coordinates, inside its maze).
    public var sourceMiceMaze: [MazePoint]
    /// 5-way grouped probabilities (LEFT, DOWN, UP, RIGHT, NOOP) before and after.
    public var original: [Float]
    public var patched: [Float]

    /// The most probable action group before / after (first on ties).
    public var originalAction: ActionGroup { Self.argmax(original) }
    public var patchedAction: ActionGroup { Self.argmax(patched) }
    public var actionChanged: Bool { originalAction != patchedAction }
    /// Total-variation distance between the grouped distributions: ½ Σ |p − q|.
    public var change: Double { ChannelScrubbing.totalVariation(original, patched) }

    static func argmax(_ groups: [Float]) -> ActionGroup {
        var best = 0
        for index in groups.indices where groups[index] > groups[best] { best = index }
        return ActionGroup.allCases[best]
    }
}

/// Causal scrubbing of channel maps at the decision square (`mazerender scrub`), after procgen-tools'
/// `experiments/cheese_scrubbing.ipynb`:
///
/// For a target level with a decision square, the mouse is put on that square. Per sample, for each location
/// (`same`: the target's cheese cell; `different`: the cheese cell of a random pool level, redrawn until it
/// differs) and each channel set (`chosen`; `random`: as many channels drawn from the others), every channel
/// of the set gets the map of its **own** random source level (procgen-tools builds one `get_random_patch` per
/// channel): a pool level where the location's cell is open, the cheese moved onto it and the mouse on a
/// random other open cell (procgen-tools' `get_random_obs_opts(cheese_pos_outer=...)`). All four conditions
/// are then run as one patched batch beside the unpatched target.
///
/// Deliberate differences from the notebook: the change is measured on the 5-way **grouped** probabilities
/// (the notebook pairs the first 5 of the 15 raw probabilities with the 5 action names, so it compares
/// LEFT-DOWN, LEFT, LEFT-UP, DOWN-LEFT, DOWN instead of LEFT, DOWN, UP, RIGHT, NOOP); the greedy action is the
/// argmax of those groups; the `different` cell is never the target's own cheese cell (the notebook's random
/// seed could land on it); source levels come from a fixed seeded pool (`LevelCellIndex`) rather than
/// unseeded random levels, and never include the target level itself.
public struct ChannelScrubbing: Sendable {
    public let evaluator: PolicyEvaluator
    public let layer: ChannelLayer
    public let pool: LevelCellIndex

    public init(evaluator: PolicyEvaluator, layer: ChannelLayer, pool: LevelCellIndex) {
        self.evaluator = evaluator
        self.layer = layer
        self.pool = pool
    }

    /// The level of `seed` with the mouse on its decision square; nil when it has none.
    public func target(seed: Int32) -> MazeState? {
        var maze = pool.generator.generate(seed: seed)
        guard let square = maze.decisionSquare, (try? maze.placeMouse(at: square)) != nil else { return nil }
        return maze
    }

    /// Grouped probabilities of `target` unpatched, then once per element of `replacements`, where element
    /// `i` replaces each listed channel's map by that channel's map in the paired source level.
    /// - Returns: `1 + replacements.count` grouped distributions. Cost: one forward pass over all sources,
    ///   one over the target and its patched copies.
    public func distributions(target: MazeState, replacements: [[(channel: Int, source: MazeState)]]) throws -> [[Float]] {
        let sources = replacements.flatMap { $0.map { $0.source } }
        var maps: [[Float]] = []
        if !sources.isEmpty {
            var captured: [Float] = []
            var start = 0
            while start < sources.count {
                let end = min(sources.count, start + evaluator.batchSize)
                captured += try evaluator.network.forward(evaluator.input(for: Array(sources[start..<end])),
                                                          capturing: [layer.label]).activations[layer.label]!.scalars
                start = end
            }
            let cells = layer.cells, perLevel = layer.channels * cells
            var index = 0
            for replacement in replacements {
                for item in replacement {
                    guard (0..<layer.channels).contains(item.channel) else {
                        throw ChannelChoiceError.outOfRange("\(item.channel)", channel: item.channel, layer: layer.label,
                                                            channels: layer.channels, namedSet: false)
                    }
                    let start = index * perLevel + item.channel * cells
                    maps.append(Array(captured[start..<(start + cells)]))
                    index += 1
                }
            }
        }
        // Element 0 is the unpatched target; element i + 1 gets replacement i.
        var perElement: [[(channel: Int, map: [Float])]] = [[]]
        var next = 0
        for replacement in replacements {
            perElement.append(replacement.map { item -> (channel: Int, map: [Float]) in
                defer { next += 1 }
                return (item.channel, maps[next])
            })
        }
        let edit = Self.replacementEdit(layer: layer, perElement: perElement)
        let input = evaluator.input(for: Array(repeating: target, count: perElement.count))
        let output = try evaluator.network.forward(input, edits: [edit])
        let groups = output.groupProbabilities.scalars
        return (0..<perElement.count).map { Array(groups[($0 * 5)..<(($0 + 1) * 5)]) }
    }

    /// An edit that, in batch element `n`, overwrites each listed channel with its map. Reads the batch index,
    /// so it is not batch-independent (the network runs the whole batch at once).
    static func replacementEdit(layer: ChannelLayer, perElement: [[(channel: Int, map: [Float])]]) -> ActivationEdit {
        let cells = layer.cells, perLevel = layer.channels * cells
        let replacements = perElement
        return ActivationEdit(label: layer.label, batchIndependent: false) { x in
            x.withUnsafeMutableBufferPointer { buffer in
                for (n, items) in replacements.enumerated() where n * perLevel < buffer.count {
                    for (channel, map) in items {
                        let base = n * perLevel + channel * cells
                        for p in 0..<cells { buffer[base + p] = map[p] }
                    }
                }
            }
        }
    }

    /// All trials of one target seed: `samples × 2 locations × 2 channel sets`, drawn from a generator seeded
    /// by (`seed`, `randomSeed`) so a seed's trials do not depend on which other seeds run.
    /// - Returns: nil when the level has no decision square.
    /// - Throws: `ScrubError` when a cell has no open pool level or the control cannot be drawn; forward errors.
    public func trials(seed: Int32, chosen: [Int], samples: Int, randomSeed: UInt64) throws -> [ScrubTrial]? {
        guard let target = target(seed: seed), let sameCell = target.cheese else { return nil }
        let others = (0..<layer.channels).filter { !chosen.contains($0) }
        guard others.count >= chosen.count else {
            throw ScrubError.noRoomForControl(chosen: chosen.count, channels: layer.channels)
        }
        var random = SplitMix64(seed: randomSeed ^ (UInt64(UInt32(bitPattern: seed)) &* 0x9E37_79B9_7F4A_7C15))
        var plans: [(sample: Int, location: ScrubLocation, set: ScrubChannels, cell: WorldPoint, channels: [Int],
                     sources: [(channel: Int, seed: Int32, source: MazeState)])] = []
        for sample in 0..<samples {
            let differentCell = try drawDifferentCell(from: sameCell, &random)
            for location in ScrubLocation.allCases {
                let cell = location == .same ? sameCell : differentCell
                let candidates = pool.seeds(open: cell).filter { $0 != seed }
                guard !candidates.isEmpty else { throw ScrubError.noSourceLevel(cell) }
                for set in ScrubChannels.allCases {
                    let channels = set == .chosen ? chosen.sorted() : Self.draw(chosen.count, from: others, &random)
                    let sources = channels.map { channel -> (channel: Int, seed: Int32, source: MazeState) in
                        let sourceSeed = candidates[random.uniform(below: UInt64(candidates.count))]
                        return (channel, sourceSeed, sourceLevel(seed: sourceSeed, cheese: cell, &random))
                    }
                    plans.append((sample, location, set, cell, channels, sources))
                }
            }
        }
        let results = try distributions(target: target, replacements: plans.map { plan in plan.sources.map { (channel: $0.channel, source: $0.source) } })
        return plans.enumerated().map { index, plan in
            ScrubTrial(seed: seed, sample: plan.sample, location: plan.location, channelSet: plan.set, channels: plan.channels,
                       cheeseCell: plan.cell,
                       cheeseMaze: MazePoint(x: plan.cell.x - target.margin, y: plan.cell.y - target.margin),
                       sourceSeeds: plan.sources.map { $0.seed }, sourceMice: plan.sources.map { $0.source.mouse },
                       sourceMiceMaze: plan.sources.map { $0.source.mouseMaze }, original: results[0],
                       patched: results[index + 1])
        }
    }

    /// Pool level `seed` with its cheese moved onto world cell `cheese` (open there by construction) and the
    /// mouse on a uniformly drawn other open cell.
    func sourceLevel(seed: Int32, cheese: WorldPoint, _ random: inout SplitMix64) -> MazeState {
        var maze = pool.generator.generate(seed: seed)
        let cell = maze.maze(cheese)!
        // Move the mouse off the cell first if it is there; then place the cheese; then draw the mouse's cell.
        if maze.mouse == cheese, let free = maze.openCells.first(where: { maze.world($0) != cheese }) {
            try? maze.placeMouse(at: free)
        }
        try? maze.moveCheese(to: cell)
        let legal = maze.legalMousePositions
        try? maze.placeMouse(at: legal[random.uniform(below: UInt64(legal.count))])
        return maze
    }

    private func drawDifferentCell(from cell: WorldPoint, _ random: inout SplitMix64) throws -> WorldPoint {
        guard !pool.seeds.isEmpty else { throw ScrubError.noDifferentCell(cell) }
        for _ in 0..<10_000 {
            let seed = pool.seeds[random.uniform(below: UInt64(pool.seeds.count))]
            if let other = pool.generator.generate(seed: seed).cheese, other != cell { return other }
        }
        throw ScrubError.noDifferentCell(cell)
    }

    /// `count` distinct items of `items`, drawn uniformly, returned ascending (partial Fisher–Yates).
    static func draw(_ count: Int, from items: [Int], _ random: inout SplitMix64) -> [Int] {
        var pool = items
        for i in 0..<count { pool.swapAt(i, i + random.uniform(below: UInt64(pool.count - i))) }
        return pool.prefix(count).sorted()
    }

    /// ½ Σ |p − q| over the entries (in Double).
    public static func totalVariation(_ p: [Float], _ q: [Float]) -> Double {
        zip(p, q).reduce(0) { $0 + abs(Double($1.0) - Double($1.1)) } / 2
    }
}

/// Why scrubbing could not run; one line each.
public enum ScrubError: Error, Equatable, CustomStringConvertible {
    case noRoomForControl(chosen: Int, channels: Int)
    case noSourceLevel(WorldPoint)
    case noDifferentCell(WorldPoint)

    public var description: String {
        switch self {
        case let .noRoomForControl(chosen, channels):
            return "--channels: \(chosen) channels leave \(channels - chosen) others for the random-channel control; "
                + "choose at most \(channels / 2) of the layer's \(channels)"
        case let .noSourceLevel(cell):
            return "--pool has no level with world cell (\(cell.x), \(cell.y)) open; give a larger --pool"
        case let .noDifferentCell(cell):
            return "--pool has no level whose cheese is off world cell (\(cell.x), \(cell.y)); give a larger --pool"
        }
    }
}
