import MazeObservation
import MazeSimulation

/// Observation rendering speed on the calling thread (one core), on a 25x25 hard-mode maze.
public struct ObservationBenchmark: Sendable {
    /// Whole renders (`ObservationRenderer.render`: background, every wall, cheese and mouse) per second.
    public let wholeRendersPerSecond: Double
    /// Batch observations per second (`MousePlacementBatch.write(mouseCells:intoCHW:)`, `[N, 3, 64, 64]` floats),
    /// including the once-per-batch static drawing.
    public let batchFloatObservationsPerSecond: Double
    /// The same batch as `[N, 64, 64, 3]` bytes.
    public let batchByteObservationsPerSecond: Double
    /// The seed of the 25x25 maze measured and the number of mouse cells per batch.
    public let seed: Int32
    public let cellsPerBatch: Int

    /// Renders the first 25x25 maze's observation with the mouse on every legal cell, `repeats` times per
    /// measurement, and reports the median of `measurements` rates for each path.
    /// - Parameter renderer: a renderer over verified assets (`ObservationAssets.load()`).
    public static func run(renderer: ObservationRenderer, repeats: Int = 40, measurements: Int = 7) -> ObservationBenchmark {
        let generator = LevelGenerator()
        var seed: Int32 = 0
        while generator.generate(seed: seed).mazeDimension != 25 { seed += 1 }
        let state = generator.generate(seed: seed)
        let cells = state.legalMousePositions
        let states = cells.map { cell -> MazeState in
            var moved = state
            moved.mouse = state.world(cell)
            return moved
        }
        var checksum = 0

        let wholeRate = BenchmarkTiming.medianRate(items: states.count * repeats, repeats: measurements) {
            for _ in 0..<repeats {
                for moved in states { checksum &+= Int(renderer.render(moved).rgb[2080]) }
            }
        }

        var floats = [Float](repeating: 0, count: cells.count * Observation.byteCount)
        let floatRate = BenchmarkTiming.medianRate(items: cells.count * repeats, repeats: measurements) {
            floats.withUnsafeMutableBufferPointer { buffer in
                for _ in 0..<repeats {
                    renderer.mousePlacements(in: state).write(mouseCells: cells, intoCHW: buffer)
                    checksum &+= Int(buffer[2080] * 255)
                }
            }
        }

        var bytes = [UInt8](repeating: 0, count: cells.count * Observation.byteCount)
        let byteRate = BenchmarkTiming.medianRate(items: cells.count * repeats, repeats: measurements) {
            bytes.withUnsafeMutableBufferPointer { buffer in
                for _ in 0..<repeats {
                    renderer.mousePlacements(in: state).write(mouseCells: cells, intoHWC: buffer)
                    checksum &+= Int(buffer[2080])
                }
            }
        }
        precondition(checksum != 0, "benchmark produced only black pixels")
        return ObservationBenchmark(
            wholeRendersPerSecond: wholeRate, batchFloatObservationsPerSecond: floatRate,
            batchByteObservationsPerSecond: byteRate, seed: seed, cellsPerBatch: cells.count)
    }
}
