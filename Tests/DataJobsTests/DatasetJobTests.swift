import DataJobs
import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import ModelFiles
import PolicyAnalysis
import TestSupport
import Testing

/// `mazerender dataset` feeds the bundled agent's training: every sample must show the state it claims and carry
/// the first step of the shortest path to the cheese, recomputed here from the level alone.
@Suite("mazerender dataset")
struct DatasetJobTests {
    static let seeds: [Int32] = Array(0..<40)
    static let generator = LevelGenerator(variant: .aisc(randRegion: 5))

    struct Samples {
        var observations: [UInt8], actions: [UInt8], levels: [Float], positions: [Float], fields: [UInt8]
        var count: Int { actions.count }
    }

    static func write(cells: Int, pathCells: Int, onPolicy: OnPolicySampling? = nil,
                      mazeSizes: ClosedRange<Int> = 3...25) throws -> Samples {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let job = DatasetJob(seeds: seeds, generator: generator, cellsPerLevel: cells, pathCellsPerLevel: pathCells,
                             samplingSeed: 7, onPolicy: onPolicy, mazeSizes: mazeSizes, out: directory.path)
        _ = try job.run(in: SharedFixtures.context())
        func bytes(_ name: String, shape tail: [Int]) throws -> [UInt8] {
            guard case let .uint8(shape, values) = try NumpyFile.read(contentsOf: directory.appendingPathComponent(name)),
                  Array(shape.dropFirst()) == tail else { throw DatasetTestError.layout(name) }
            return values
        }
        func floats(_ name: String, shape tail: [Int]) throws -> [Float] {
            guard case let .float32(shape, values) = try NumpyFile.read(contentsOf: directory.appendingPathComponent(name)),
                  Array(shape.dropFirst()) == tail else { throw DatasetTestError.layout(name) }
            return values
        }
        return Samples(observations: try bytes("observations.npy", shape: [64, 64, 3]), actions: try bytes("actions.npy", shape: []),
                       levels: try floats("levels.npy", shape: []), positions: try floats("positions.npy", shape: [4]),
                       fields: try bytes("fields.npy", shape: [16, 16]))
    }

    enum DatasetTestError: Error { case layout(String) }

    @Test("each sample's observation, label and path field agree with the level it names")
    func samplesMeanWhatTheySay() throws {
        let samples = try Self.write(cells: 3, pathCells: 2)
        let renderer = ObservationRenderer(assets: try ObservationAssets.load())
        #expect(samples.count > 100 && samples.count <= Self.seeds.count * 5)
        for i in 0..<samples.count {
            let maze = Self.generator.generate(seed: Int32(samples.levels[i]))
            let cheese = try #require(maze.cheeseMaze)
            var state = maze
            state.mouse = WorldPoint(x: Int(samples.positions[4 * i]), y: Int(samples.positions[4 * i + 1]))
            #expect(maze.cheese == WorldPoint(x: Int(samples.positions[4 * i + 2]), y: Int(samples.positions[4 * i + 3])))
            let distance = maze.distances(from: cheese)
            let before = try #require(distance[state.mouseMaze])
            let action = try #require(MazeAction(rawValue: Int(samples.actions[i])))
            var moved = state
            _ = moved.applyMove(action)
            #expect(distance[moved.mouseMaze] == before - 1, "sample \(i): action \(action) does not approach the cheese")

            let observation = Array(samples.observations[(i * 12288)..<((i + 1) * 12288)])
            let facings: [Facing] = [.left, .right]
            #expect(facings.contains { facing in
                state.facing = facing
                return renderer.render(state).rgb == observation
            }, "sample \(i): the observation is not the level with the mouse there")

            // The field cell whose centre pixel falls in the mouse's cell carries the same label.
            let pixelsPerCell = 64.0 / Double(maze.worldDimension)
            for row in 0..<16 {
                for column in 0..<16 where Int(Double(column * 4 + 2) / pixelsPerCell) == state.mouse.x
                    && maze.worldDimension - 1 - Int(Double(row * 4 + 2) / pixelsPerCell) == state.mouse.y {
                    #expect(samples.fields[i * 256 + row * 16 + column] == samples.actions[i], "sample \(i) field")
                }
            }
        }
    }

    @Test("--path-cells-per-level draws that many distinct cells from the start-to-cheese path, then uniform ones")
    func pathCells() throws {
        let samples = try Self.write(cells: 1, pathCells: 3)
        var byLevel: [Int32: [MazePoint]] = [:]
        for i in 0..<samples.count {
            let maze = Self.generator.generate(seed: Int32(samples.levels[i]))
            let cell = try #require(maze.maze(WorldPoint(x: Int(samples.positions[4 * i]), y: Int(samples.positions[4 * i + 1]))))
            byLevel[Int32(samples.levels[i]), default: []].append(cell)
        }
        for (seed, cells) in byLevel {
            let maze = Self.generator.generate(seed: seed)
            let path = try #require(maze.pathToCheese).dropLast()
            let onPath = cells.filter { path.contains($0) }.count
            #expect(Set(cells).count == cells.count, "seed \(seed): a cell was drawn twice")
            #expect(onPath >= min(3, path.count), "seed \(seed): \(onPath) path cells")
            #expect(cells.count == min(3, path.count) + min(1, maze.legalMousePositions.count - min(3, path.count)))
        }
    }

    static func bundledAgentSampling(states: Int) throws -> OnPolicySampling {
        let renderer = ObservationRenderer(assets: try ObservationAssets.load())
        return OnPolicySampling(evaluator: PolicyEvaluator(network: try ModelLocator.loadNetwork(explicit: nil), renderer: renderer),
                                statesPerLevel: states, maxSteps: 256)
    }

    @Test("--on-policy-model samples mean what they say, like the uniform ones")
    func onPolicySamplesMeanWhatTheySay() throws {
        let samples = try Self.write(cells: 1, pathCells: 0, onPolicy: try Self.bundledAgentSampling(states: 4))
        #expect(samples.count > Self.seeds.count * 2 && samples.count <= Self.seeds.count * 5)
        for i in 0..<samples.count {
            let maze = Self.generator.generate(seed: Int32(samples.levels[i]))
            var moved = maze
            moved.mouse = WorldPoint(x: Int(samples.positions[4 * i]), y: Int(samples.positions[4 * i + 1]))
            let distance = maze.distances(from: try #require(maze.cheeseMaze))
            let before = try #require(distance[moved.mouseMaze])
            _ = moved.applyMove(try #require(MazeAction(rawValue: Int(samples.actions[i]))))
            #expect(distance[moved.mouseMaze] == before - 1, "sample \(i): the label does not approach the cheese")
        }
    }

    /// DAgger's point: the states after the agent's own mistakes, which uniform sampling rarely shows, are in the
    /// data. Each level is replayed here one observation at a time (`Rollouts.play`) and its distinct visited
    /// states are recomputed; the dataset must hold every state where the agent stepped off the shortest path (up
    /// to the cap) and otherwise only states the agent visited.
    @Test("--on-policy-model keeps the agent's own off-path states first, then visited states only")
    func onPolicyStatesAreTheAgentsOwn() throws {
        let cap = 12
        let sampling = try Self.bundledAgentSampling(states: cap)
        let samples = try Self.write(cells: 1, pathCells: 0, onPolicy: sampling)
        var byLevel: [Int32: [(x: Int, y: Int)]] = [:]
        for i in 0..<samples.count {
            byLevel[Int32(samples.levels[i]), default: []].append((Int(samples.positions[4 * i]), Int(samples.positions[4 * i + 1])))
        }
        var mistakes = 0, nearTies = 0
        for seed in Self.seeds {
            let maze = Self.generator.generate(seed: seed)
            let rollout = try Rollouts.play(maze, variant: RolloutVariant(name: "agent"), evaluator: sampling.evaluator)
            // The dataset's episodes ran batched, this replay one observation at a time: the same argmax only
            // where no step came near a tie (another BLAS kernel or batch size may move the last bits).
            guard rollout.steps.allSatisfy({ step in
                let top = step.distribution.actions.sorted(by: >)
                return top[0] - top[1] > 1e-4
            }) else { nearTies += 1; continue }
            let distance = maze.distances(from: try #require(maze.cheeseMaze))
            var seen = Set<[Int]>(), visited: [WorldPoint] = [], offPath: [WorldPoint] = []
            for step in rollout.steps where seen.insert([step.state.mouse.x, step.state.mouse.y, step.state.facing == .left ? 0 : 1]).inserted {
                visited.append(step.state.mouse)
                var after = step.state
                _ = after.applyMove(step.action)
                if distance[after.mouseMaze] != distance[step.state.mouseMaze].map({ $0 - 1 }) { offPath.append(step.state.mouse) }
            }
            let kept = Array((byLevel[seed] ?? []).dropFirst())  // the first sample is the uniform cell
            #expect(kept.count == min(cap, visited.count), "seed \(seed): \(kept.count) on-policy samples of \(visited.count) states")
            for (index, state) in offPath.prefix(cap).enumerated() {
                #expect(kept[index].x == state.x && kept[index].y == state.y, "seed \(seed): off-path state \(index) missing")
            }
            #expect(kept.allSatisfy { cell in visited.contains { $0.x == cell.x && $0.y == cell.y } }, "seed \(seed)")
            mistakes += offPath.count
        }
        #expect(mistakes > 0, "the agent made no mistake on these levels: the test shows nothing")
        #expect(nearTies <= Self.seeds.count / 4, "\(nearTies) levels skipped for near ties")
    }

    @Test("maze sizes keep exactly the levels of those sizes")
    func mazeSizes() throws {
        let samples = try Self.write(cells: 1, pathCells: 0, mazeSizes: 15...25)
        let expected = Set(Self.seeds.filter { (15...25).contains(Self.generator.generate(seed: $0).mazeDimension) })
        #expect(!expected.isEmpty && expected.count < Self.seeds.count)
        #expect(Set(samples.levels.map { Int32($0) }) == expected)
    }
}
