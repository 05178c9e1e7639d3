import MazeSimulation

/// Observations of one maze with the mouse moved to each of many cells (the vector-field input), drawn fast:
/// background, walls and cheese are drawn once, then the mouse is stamped onto a copy per cell.
///
/// Stamping is exact because procgen draws the mouse after the whole grid, so nothing drawn later can cover it,
/// and it touches only the pixels of its own cell rectangle. Each observation equals
/// `ObservationRenderer.render` of the state with `mouse` set to that cell, byte for byte.
///
/// Cost: one 64x64 copy plus at most 16 blended pixels per observation.
public struct MousePlacementBatch: Sendable {
    /// The maze whose mouse is moved; its own `mouse` is ignored, its `facing` and cheese are kept.
    public let state: MazeState
    /// Background, walls and cheese, `[64, 64]` RGB32 words.
    let staticCanvas: [UInt32]
    let mouseColumns: [ScaledAxis]
    let mouseRows: [ScaledAxis]
    let mouse: PackedImage

    init(renderer: ObservationRenderer, state: MazeState) {
        self.state = state
        var canvas = [UInt32](repeating: 0, count: Observation.side * Observation.side)
        canvas.withUnsafeMutableBufferPointer { renderer.drawStaticPart(of: state, into: $0) }
        staticCanvas = canvas
        let geometry = renderer.geometry(state.mode)
        mouseColumns = state.facing == .right ? geometry.mirroredMouseColumns : geometry.mouseColumns
        mouseRows = geometry.mouseRows
        mouse = renderer.assets.mouse
    }

    /// Writes one observation per cell into `output` as `[N, 3, 64, 64]` floats, each byte divided by 255.
    /// - Parameters:
    ///   - mouseCells: N maze cells (usually `state.legalMousePositions`); each must lie in the world grid.
    ///   - output: at least N * 3 * 64 * 64 floats; observation n starts at `n * 12288`.
    public func write(mouseCells: [MazePoint], intoCHW output: UnsafeMutableBufferPointer<Float>) {
        let plane = Observation.side * Observation.side
        let size = 3 * plane
        precondition(output.count >= mouseCells.count * size, "output holds fewer than N*3*64*64 floats")
        let scale = Self.byteToUnit
        // The static image as [3, 64, 64] floats, made once per call.
        var base = [Float](repeating: 0, count: size)
        for (pixel, word) in staticCanvas.enumerated() {
            base[pixel] = scale[Int((word >> 16) & 0xff)]
            base[plane + pixel] = scale[Int((word >> 8) & 0xff)]
            base[2 * plane + pixel] = scale[Int(word & 0xff)]
        }
        base.withUnsafeBufferPointer { base in
            for (n, cell) in mouseCells.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: output[(n * size)..<((n + 1) * size)])
                _ = slot.initialize(from: base)
                stamp(at: cell) { pixel, word in
                    slot[pixel] = scale[Int((word >> 16) & 0xff)]
                    slot[plane + pixel] = scale[Int((word >> 8) & 0xff)]
                    slot[2 * plane + pixel] = scale[Int(word & 0xff)]
                }
            }
        }
    }

    /// Writes one observation per cell into `output` as `[N, 64, 64, 3]` bytes (RGB, row 0 at the top).
    /// - Parameters:
    ///   - mouseCells: N maze cells; each must lie in the world grid.
    ///   - output: at least N * 64 * 64 * 3 bytes; observation n starts at `n * 12288`.
    public func write(mouseCells: [MazePoint], intoHWC output: UnsafeMutableBufferPointer<UInt8>) {
        let size = Observation.byteCount
        precondition(output.count >= mouseCells.count * size, "output holds fewer than N*64*64*3 bytes")
        let base = Observation(canvas: staticCanvas).rgb
        base.withUnsafeBufferPointer { base in
            for (n, cell) in mouseCells.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: output[(n * size)..<((n + 1) * size)])
                _ = slot.initialize(from: base)
                stamp(at: cell) { pixel, word in
                    slot[3 * pixel] = UInt8(truncatingIfNeeded: word >> 16)
                    slot[3 * pixel + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    slot[3 * pixel + 2] = UInt8(truncatingIfNeeded: word)
                }
            }
        }
    }

    /// The observations as `[N, 3, 64, 64]` floats (byte / 255).
    public func chwFloats(mouseCells: [MazePoint]) -> [Float] {
        let count = mouseCells.count * Observation.byteCount
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            write(mouseCells: mouseCells, intoCHW: buffer)
            initialized = count
        }
    }

    /// The observations as `[N, 64, 64, 3]` bytes.
    public func hwcBytes(mouseCells: [MazePoint]) -> [UInt8] {
        let count = mouseCells.count * Observation.byteCount
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            write(mouseCells: mouseCells, intoHWC: buffer)
            initialized = count
        }
    }

    /// Calls `write(pixel, word)` for every pixel the mouse covers at `cell`, with the blended RGB32 word.
    @inline(__always)
    private func stamp(at cell: MazePoint, _ write: (Int, UInt32) -> Void) {
        let world = state.world(cell)
        precondition(state.contains(world), "mouse cell \(cell) is outside the world grid")
        let columns = mouseColumns[world.x], rows = mouseRows[world.y]
        let side = Observation.side
        mouse.pixels.withUnsafeBufferPointer { sprite in
            staticCanvas.withUnsafeBufferPointer { canvas in
                for (j, sourceRow) in rows.sources.enumerated() {
                    let target = (rows.start + j) * side + columns.start
                    let source = sourceRow * mouse.width
                    for (i, sourceColumn) in columns.sources.enumerated() {
                        write(target + i, sourceOver(sprite[source + sourceColumn], canvas[target + i]))
                    }
                }
            }
        }
    }

    /// `Float(byte) / 255` for every byte, computed by division as the policy's preprocessing does.
    static let byteToUnit: [Float] = (0...255).map { Float($0) / 255 }
}

extension ObservationRenderer {
    /// Prepares the batch renderer for `state`: draws its background, walls and cheese once.
    public func mousePlacements(in state: MazeState) -> MousePlacementBatch {
        MousePlacementBatch(renderer: self, state: state)
    }
}
