import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import ModelFiles
import OutputFiles
import PolicyAnalysis

/// `mazerender dataset`: imitation-learning data for training a maze agent. For each level, mouse positions
/// are drawn from the open cells (not the cheese's) and labelled with the first move of the shortest path to
/// the cheese (procgen actions 1 left, 3 down, 5 up, 7 right). Levels without cheese are skipped.
public struct DatasetJob: Job {
    public var seeds: [Int32]
    public var generator: LevelGenerator
    /// Positions drawn per level, without replacement (all of them when the level has fewer).
    public var cellsPerLevel: Int
    /// Further positions per level drawn from the shortest path between the start cell and the cheese, where
    /// an agent's own episodes spend most of their steps (0: uniform sampling only).
    public var pathCellsPerLevel: Int
    /// Seeds the position and facing draws.
    public var samplingSeed: UInt32
    /// Further samples from the states an agent itself visits (DAgger); nil: none.
    public var onPolicy: OnPolicySampling?
    /// Only levels whose maze size (cells per side) lies in this range; the others are skipped.
    public var mazeSizes: ClosedRange<Int>

    public init(seeds: [Int32], generator: LevelGenerator, cellsPerLevel: Int, pathCellsPerLevel: Int = 0,
                samplingSeed: UInt32, onPolicy: OnPolicySampling? = nil, mazeSizes: ClosedRange<Int> = 3...25,
                out: String, existing: ExistingOutput = .refuse) {
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.generator = generator
        self.cellsPerLevel = cellsPerLevel
        self.pathCellsPerLevel = pathCellsPerLevel
        self.samplingSeed = samplingSeed
        self.onPolicy = onPolicy
        self.mazeSizes = mazeSizes
    }

    /// The output folder, and what to do when it holds an earlier run.
    public var out: String
    public var existing: ExistingOutput

    /// The settings `run.json` records.
    public var settings: JSONValue {
        .object([("seeds", RunSettings.seeds(seeds)), ("level_generator", .string(generator.variant.description)),
                 ("cells_per_level", .int(cellsPerLevel)), ("path_cells_per_level", .int(pathCellsPerLevel)),
                 ("sampling_seed", .int(Int(samplingSeed))),
                 ("maze_sizes", .string("\(mazeSizes.lowerBound)..\(mazeSizes.upperBound)")),
                 ("on_policy", onPolicy == nil ? false : true)])
    }

    public typealias Result = Summary

    public struct Summary: Sendable {
        public let samples: Int
        public let levels: Int
        /// Levels without cheese or outside `mazeSizes`.
        public let skippedLevels: Int
        /// Samples per label action (1, 3, 5, 7).
        public let labelCounts: [Int: Int]
    }

    /// Writes `observations.npy` (uint8 `[N, 64, 64, 3]`), `actions.npy` (uint8 `[N]`, procgen action indices)
    /// `levels.npy` (float32 `[N]`, the level seed of each sample) and `positions.npy` (float32 `[N, 4]`: mouse x, y
    /// and cheese x, y in world cells, y up) and `fields.npy` (uint8 `[N, 16, 16]`: for each cell of the
    /// 16x16 block-2 activation map, the shortest-path action of the maze cell under its centre, 255 where
    /// that is a wall, the padding or the cheese) into `directory`.
    ///
    /// Samples stream into the five files as they are made (`NumpyStreamWriter`), so memory stays at one level's
    /// samples whatever the number of seeds; the files appear only when all are complete. A folder this made is
    /// removed again on failure or interruption.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Summary {
        try run(renderer: context.renderer, provenance: context.provenance)
    }

    /// `run(in:)` for callers without a policy: the dataset needs only the renderer (an on-policy sampling
    /// brings its own agent).
    /// - Parameter provenance: what `run.json` records of the run's making (command line, on-policy model).
    public func run(renderer: ObservationRenderer, provenance: Provenance = Provenance()) throws(JobError) -> Summary {
        try write(to: out, renderer: renderer, provenance: provenance)
    }

    private func write(to directory: String, renderer: ObservationRenderer, provenance: Provenance) throws(JobError) -> Summary {
        let files: DatasetFiles
        let folder = try RunFolder(directory, job: "dataset", settings: settings,
                                   provenance: provenance.describing(seeds: RunSettings.seedsText(seeds)), existing: existing)
        defer { folder.abandonIfUnfinished() }
        do {
            files = try DatasetFiles(directory: directory)
        } catch {
            throw JobError("dataset \(directory): \(error)")
        }
        var labelCounts: [Int: Int] = [:]
        var random = MersenneTwister(seed: samplingSeed)
        var skipped = 0
        do {
            var visitRandom = MersenneTwister(seed: samplingSeed ^ 0x9E37_79B9)
            for start in stride(from: 0, to: seeds.count, by: Self.levelsPerChunk) {
                let chunk = seeds[start..<min(seeds.count, start + Self.levelsPerChunk)].map { generator.generate(seed: $0) }
                let mazes = chunk.filter { $0.cheese != nil && mazeSizes.contains($0.mazeDimension) }
                skipped += chunk.count - mazes.count
                let visited = try onPolicy?.visitedStates(mazes)
                for (index, maze) in mazes.enumerated() {
                    let steps = maze.distances(from: maze.cheeseMaze!)
                    var states = drawStates(in: maze, using: &random)
                    if let onPolicy, let visited {
                        states += onPolicy.pick(from: visited[index], distances: steps, using: &visitRandom)
                    }
                    let field = Self.actionField(of: maze, distances: steps)
                    for state in states {
                        let cell = state.mouseMaze
                        guard let here = steps[cell] else { continue }
                        // The neighbour one step closer to the cheese, in the order left, down, up, right.
                        guard let next = cell.neighbours.first(where: { steps[$0] == here - 1 }) else { continue }
                        let action = UInt8(Self.action(from: cell, to: next).rawValue)
                        try files.observations.append(renderer.render(state).rgb)
                        try files.actions.append([action])
                        try files.levels.append([Float(maze.levelSeed ?? -1)])
                        try files.positions.append([Float(state.mouse.x), Float(state.mouse.y),
                                                    Float(maze.cheese!.x), Float(maze.cheese!.y)])
                        try files.fields.append(field)
                        labelCounts[Int(action), default: 0] += 1
                    }
                }
            }
            guard files.actions.rows > 0 else {
                throw JobError("no samples: every level of \(setting: .seeds) lacks cheese or lies outside \(setting: .mazeSizes); choose other seeds")
            }
            try files.finish()
            try folder.finish()
        } catch let error as JobError {
            files.discard()
            throw error
        } catch {
            files.discard()
            throw JobError("dataset \(directory): \(error)")
        }
        return Summary(samples: files.actions.rows, levels: seeds.count - skipped, skippedLevels: skipped,
                       labelCounts: labelCounts)
    }

    /// The five `.npy` streams of a dataset directory.
    private struct DatasetFiles {
        let observations, actions, levels, positions, fields: NumpyStreamWriter

        init(directory: String) throws(ModelFileError) {
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            observations = try NumpyStreamWriter(path: base + "observations.npy", elementType: .uint8, rowShape: [64, 64, 3])
            actions = try NumpyStreamWriter(path: base + "actions.npy", elementType: .uint8, rowShape: [])
            levels = try NumpyStreamWriter(path: base + "levels.npy", elementType: .float32, rowShape: [])
            positions = try NumpyStreamWriter(path: base + "positions.npy", elementType: .float32, rowShape: [4])
            fields = try NumpyStreamWriter(path: base + "fields.npy", elementType: .uint8, rowShape: [16, 16])
        }

        var all: [NumpyStreamWriter] { [observations, actions, levels, positions, fields] }
        func finish() throws(ModelFileError) { for writer in all { try writer.finish() } }
        func discard() { all.forEach { $0.discard() } }
    }

    /// Levels generated (and, with `onPolicy`, played in lock step) at a time.
    static let levelsPerChunk = 256

    /// The mouse states of one level's path and uniform samples: path cells first, then other open cells, each
    /// with a random facing (the draws in the order earlier versions made them, so datasets reproduce).
    private func drawStates(in maze: MazeState, using random: inout MersenneTwister) -> [MazeState] {
        var chosen: [MazePoint] = []
        if pathCellsPerLevel > 0, let route = maze.pathToCheese {
            var path = Array(route.dropLast())  // the cheese cell itself is no mouse position
            chosen = Self.draw(pathCellsPerLevel, from: &path, using: &random)
        }
        var others = maze.legalMousePositions.filter { !chosen.contains($0) }
        chosen += Self.draw(cellsPerLevel, from: &others, using: &random)
        return chosen.map { cell in
            var state = maze
            state.mouse = maze.world(cell)
            state.facing = random.next() & 1 == 0 ? .left : .right
            return state
        }
    }

    /// The shortest-path action (toward the cheese) of the maze cell under the centre of each cell of the 16x16
    /// block-2 map (4 observation pixels per map cell, 2.56 pixels per world cell in hard mode); 255 elsewhere.
    static func actionField(of maze: MazeState, distances: [MazePoint: Int]) -> [UInt8] {
        var field = [UInt8](repeating: 255, count: 256)
        let pixelsPerCell = 64.0 / Double(maze.worldDimension)
        for row in 0..<16 {
            for column in 0..<16 {
                let world = WorldPoint(x: Int(Double(column * 4 + 2) / pixelsPerCell),
                                       y: maze.worldDimension - 1 - Int(Double(row * 4 + 2) / pixelsPerCell))
                guard let cell = maze.maze(world), let here = distances[cell], here > 0,
                      let next = cell.neighbours.first(where: { distances[$0] == here - 1 }) else { continue }
                field[row * 16 + column] = UInt8(action(from: cell, to: next).rawValue)
            }
        }
        return field
    }

    /// A uniform sample of `count` cells without replacement (all of them when there are fewer): a partial
    /// Fisher-Yates shuffle driven by raw mt19937 outputs.
    static func draw<Element>(_ count: Int, from cells: inout [Element], using random: inout MersenneTwister) -> [Element] {
        let take = min(count, cells.count)
        for i in 0..<take {
            let j = i + Int(random.next() % UInt32(cells.count - i))
            cells.swapAt(i, j)
        }
        return Array(cells.prefix(take))
    }

    static func action(from cell: MazePoint, to next: MazePoint) -> MazeAction {
        switch (next.x - cell.x, next.y - cell.y) {
        case (-1, 0): .left
        case (1, 0): .right
        case (0, 1): .up
        default: .down
        }
    }
}
