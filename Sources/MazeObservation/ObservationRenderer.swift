import MazeSimulation

/// Draws procgen's 64x64 `maze` observation of any `MazeState`, byte for byte as procgen 0.10.7 does.
///
/// Order (procgen's `game_draw`): the level's background scaled to 64x64; then the grid with x in the outer
/// loop and y in the inner loop, walls and the cheese drawn into rectangles 0.02 cells larger on every side, so a
/// later tile wins where two overlap; then the mouse, stretched to its cell and mirrored when facing right.
/// All sampling is Qt's nearest-neighbour 16.16 fixed point; sprites blend premultiplied source-over.
///
/// Cost: about a microsecond per 100 drawn cells; the renderer itself is immutable and can be shared.
public struct ObservationRenderer: Sendable {
    public static let side = ObservationGeometry.side

    public let assets: ObservationAssets
    let hard: ObservationGeometry
    let easy: ObservationGeometry
    /// The 9 backgrounds already scaled to 64x64 for each mode (`[64, 64]` words each); backgrounds are copied.
    let hardBackgrounds: [[UInt32]]
    let easyBackgrounds: [[UInt32]]

    public init(assets: ObservationAssets) {
        self.assets = assets
        let backgroundSizes = assets.backgrounds.flatMap { [$0.width, $0.height] }
        func geometry(_ mode: DistributionMode) -> ObservationGeometry {
            ObservationGeometry(
                mode: mode, wallSize: assets.wall.width, cheeseSize: assets.cheese.width, mouseSize: assets.mouse.width,
                backgroundSizes: backgroundSizes)
        }
        let hard = geometry(.hard), easy = geometry(.easy)
        self.hard = hard
        self.easy = easy
        hardBackgrounds = assets.backgrounds.map { Self.scale($0, hard) }
        easyBackgrounds = assets.backgrounds.map { Self.scale($0, easy) }
    }

    /// The background drawn over a black canvas (procgen fills black first; the background covers it all).
    private static func scale(_ background: PackedImage, _ geometry: ObservationGeometry) -> [UInt32] {
        let columns = geometry.backgroundColumns[background.width]!
        let rows = geometry.backgroundRows[background.height]!
        var canvas = [UInt32](repeating: 0xff00_0000, count: side * side)
        for (j, sourceRow) in rows.sources.enumerated() {
            for (i, sourceColumn) in columns.sources.enumerated() {
                canvas[(rows.start + j) * side + columns.start + i] = background.pixels[sourceRow * background.width + sourceColumn]
            }
        }
        return canvas
    }

    func geometry(_ mode: DistributionMode) -> ObservationGeometry {
        mode == .hard ? hard : easy
    }

    /// - Returns: the observation procgen shows for `state`.
    public func render(_ state: MazeState) -> Observation {
        var canvas = [UInt32](repeating: 0, count: Self.side * Self.side)
        canvas.withUnsafeMutableBufferPointer { canvas in
            drawStaticPart(of: state, into: canvas)
            drawMouse(at: state.mouse, facing: state.facing, mode: state.mode, into: canvas)
        }
        return Observation(canvas: canvas)
    }

    /// Writes the observation of `state` into `output` as `[64, 64, 3]` bytes (RGB, row 0 at the top).
    public func render(_ state: MazeState, intoHWC output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= Observation.byteCount, "output holds fewer than 64*64*3 bytes")
        render(state).write(intoHWC: output)
    }

    /// Writes the observation of `state` into `output` as `[3, 64, 64]` floats, each byte divided by 255.
    public func render(_ state: MazeState, intoCHW output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= Observation.byteCount, "output holds fewer than 3*64*64 floats")
        render(state).write(intoCHW: output)
    }

    /// Background, walls and cheese: everything but the mouse, in procgen's draw order.
    /// - Parameter canvas: `[64, 64]` RGB32 words, overwritten.
    func drawStaticPart(of state: MazeState, into canvas: UnsafeMutableBufferPointer<UInt32>) {
        let background = (state.mode == .hard ? hardBackgrounds : easyBackgrounds)[state.backgroundIndex]
        background.withUnsafeBufferPointer { source in
            _ = canvas.initialize(from: source)
        }
        let geometry = geometry(state.mode)
        let dimension = state.worldDimension
        let cheeseIndex = state.cheese.map { $0.y * dimension + $0.x } ?? -1
        assets.wall.pixels.withUnsafeBufferPointer { wall in
            assets.cheese.pixels.withUnsafeBufferPointer { cheese in
                state.walls.withUnsafeBufferPointer { walls in
                    for x in 0..<dimension {
                        for y in 0..<dimension {
                            let index = y * dimension + x
                            if index == cheeseIndex {
                                blend(cheese, width: assets.cheese.width, geometry.cheeseColumns[x], geometry.cheeseRows[y], canvas)
                            } else if walls[index] {
                                copy(wall, width: assets.wall.width, geometry.wallColumns[x], geometry.wallRows[y], canvas)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The mouse sprite over its cell (`get_screen_rect(x, y + 1, 1, 1)`, no epsilon), mirrored when facing right.
    func drawMouse(at cell: WorldPoint, facing: Facing, mode: DistributionMode, into canvas: UnsafeMutableBufferPointer<UInt32>) {
        let geometry = geometry(mode)
        let columns = facing == .right ? geometry.mirroredMouseColumns[cell.x] : geometry.mouseColumns[cell.x]
        assets.mouse.pixels.withUnsafeBufferPointer { mouse in
            blend(mouse, width: assets.mouse.width, columns, geometry.mouseRows[cell.y], canvas)
        }
    }

    /// An opaque sprite (the sand tile): texels are copied.
    private func copy(
        _ sprite: UnsafeBufferPointer<UInt32>, width: Int, _ columns: ScaledAxis, _ rows: ScaledAxis,
        _ canvas: UnsafeMutableBufferPointer<UInt32>
    ) {
        for (j, sourceRow) in rows.sources.enumerated() {
            let target = (rows.start + j) * Self.side + columns.start
            let source = sourceRow * width
            for (i, sourceColumn) in columns.sources.enumerated() {
                canvas[target + i] = sprite[source + sourceColumn]
            }
        }
    }

    /// A premultiplied sprite blended source-over (Qt's `BYTE_MUL` rounding).
    private func blend(
        _ sprite: UnsafeBufferPointer<UInt32>, width: Int, _ columns: ScaledAxis, _ rows: ScaledAxis,
        _ canvas: UnsafeMutableBufferPointer<UInt32>
    ) {
        for (j, sourceRow) in rows.sources.enumerated() {
            let target = (rows.start + j) * Self.side + columns.start
            let source = sourceRow * width
            for (i, sourceColumn) in columns.sources.enumerated() {
                canvas[target + i] = sourceOver(sprite[source + sourceColumn], canvas[target + i])
            }
        }
    }
}
