import MazeObservation
import MazeSimulation
import Testing

/// The batch API must equal the single-image renderer, byte for byte, for every cell.
@Suite struct BatchRenderingTests {
    /// The first hard-mode seed whose maze is 25x25 (the largest, where every world cell is in the maze).
    static let fullSizeSeed: Int32 = (0...).lazy.map { Int32($0) }
        .first { LevelGenerator().generate(seed: $0).mazeDimension == 25 }!

    /// Every cell of the maze, walls included: the batch must match wherever the mouse is put.
    static func everyCell(_ state: MazeState) -> [MazePoint] {
        (0..<state.mazeDimension).flatMap { y in (0..<state.mazeDimension).map { MazePoint(x: $0, y: y) } }
    }

    static func singleRenders(_ renderer: ObservationRenderer, _ state: MazeState, _ cells: [MazePoint]) -> [[UInt8]] {
        cells.map { cell in
            var moved = state
            moved.mouse = state.world(cell)
            return renderer.render(moved).rgb
        }
    }

    @Test("HWC bytes equal single renders for every cell of a 25x25 maze", arguments: [Facing.left, .right])
    func bytesMatchSingleRenders(facing: Facing) throws {
        let renderer = try Fixtures.loadRenderer()
        var state = LevelGenerator().generate(seed: Self.fullSizeSeed)
        #expect(state.mazeDimension == 25)
        state.facing = facing
        let cells = Self.everyCell(state)
        let batch = renderer.mousePlacements(in: state).hwcBytes(mouseCells: cells)
        let expected = Self.singleRenders(renderer, state, cells)
        for (n, cell) in cells.enumerated() {
            let slice = Array(batch[(n * Observation.byteCount)..<((n + 1) * Observation.byteCount)])
            #expect(slice == expected[n], "mouse at \(cell), facing \(facing)")
        }
    }

    @Test("CHW floats equal single renders divided by 255 for every cell of a 25x25 maze")
    func floatsMatchSingleRenders() throws {
        let renderer = try Fixtures.loadRenderer()
        let state = LevelGenerator().generate(seed: Self.fullSizeSeed)
        let cells = Self.everyCell(state)
        let batch = renderer.mousePlacements(in: state).chwFloats(mouseCells: cells)
        let expected = Self.singleRenders(renderer, state, cells)
        let plane = 64 * 64
        for (n, cell) in cells.enumerated() {
            var mismatches = 0
            for pixel in 0..<plane {
                for channel in 0..<3 {
                    let value = batch[n * 3 * plane + channel * plane + pixel]
                    if value != Float(expected[n][3 * pixel + channel]) / 255 { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "mouse at \(cell)")
        }
    }

    @Test("batch over the legal positions of easy and small mazes, cheese kept, matches single renders",
          arguments: [(Int32(0), DistributionMode.hard), (1, .hard), (5, .easy), (27, .easy)])
    func legalPositions(seed: Int32, mode: DistributionMode) throws {
        let renderer = try Fixtures.loadRenderer()
        let state = LevelGenerator(mode: mode).generate(seed: seed)
        let cells = state.legalMousePositions + (state.cheeseMaze.map { [$0] } ?? [])
        let batch = renderer.mousePlacements(in: state).hwcBytes(mouseCells: cells)
        #expect(batch == Self.singleRenders(renderer, state, cells).flatMap { $0 }, "\(mode) seed \(seed)")
    }

    @Test("single render into a CHW buffer is the byte image divided by 255")
    func singleCHW() throws {
        let renderer = try Fixtures.loadRenderer()
        let state = LevelGenerator().generate(seed: 3)
        let bytes = renderer.render(state).rgb
        var floats = [Float](repeating: -1, count: Observation.byteCount)
        floats.withUnsafeMutableBufferPointer { renderer.render(state, intoCHW: $0) }
        #expect(floats[0] == Float(bytes[0]) / 255)
        #expect(floats[64 * 64 + 5] == Float(bytes[3 * 5 + 1]) / 255)
        #expect(floats[2 * 64 * 64 + 4095] == Float(bytes[3 * 4095 + 2]) / 255)
    }
}
