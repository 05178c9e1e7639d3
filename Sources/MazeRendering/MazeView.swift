import CairoGraphics
import MazeSimulation

/// What a human view of a maze shows.
public struct MazeViewOptions: Hashable, Sendable {
    public var padding: PaddingMode
    public var showMouse: Bool
    public var showCheese: Bool

    /// Defaults match procgen-tools' vector-field plots: padding cropped, mouse hidden, cheese shown.
    public init(padding: PaddingMode = .cropped, showMouse: Bool = false, showCheese: Bool = true) {
        self.padding = padding
        self.showMouse = showMouse
        self.showCheese = showCheese
    }
}

/// The human view of a maze state, drawn like procgen's 512 px render from the same assets, smoothly scaled:
/// the level's background over the whole world, a sand tile on every wall cell (0.02 cells larger on every side,
/// as procgen draws grid tiles), the cheese, then the mouse (mirrored when facing right).
public enum MazeView {
    /// Side of procgen's full human render in px; 512 / 25 = 20.48 px per cell in hard mode.
    public static let procgenRenderSide = 512.0

    /// Pixels per cell of procgen's render for `maze`'s world (20.48 in hard mode, 34.13 in easy mode).
    public static func procgenTileSize(for maze: MazeState) -> Double {
        procgenRenderSide / Double(maze.worldDimension)
    }

    /// Draws the view of `maze` into `geometry.frame` on `canvas` (clipped to the frame).
    /// On SVG/PDF canvases every tile becomes its own embedded image; prefer `image(...)` drawn once there.
    /// Cost: one image draw per visible wall cell (about 2 ms for a 512 px 25x25 world).
    public static func draw(_ maze: MazeState, options: MazeViewOptions, sprites: MazeSprites,
                            geometry: MazeViewGeometry, on canvas: Canvas) {
        canvas.withSavedState {
            canvas.newPath()
            canvas.addRectangle(geometry.frame)
            canvas.clip()
            let background = sprites.backgrounds[min(max(0, maze.backgroundIndex), sprites.backgrounds.count - 1)]
            canvas.drawImage(background, in: geometry.worldRect, filter: .good)
            let first = geometry.firstVisibleCell, last = first + geometry.visibleCells - 1
            // A cell's tile reaches 0.02 cells into its neighbours, so draw one ring beyond the visible cells.
            let range = max(0, first - 1)...min(maze.worldDimension - 1, last + 1)
            for x in range {
                for y in range where maze.isWall(WorldPoint(x: x, y: y)) {
                    canvas.drawImage(sprites.wall, in: geometry.rect(ofWorld: WorldPoint(x: x, y: y), epsilon: 0.02),
                                     filter: .good)
                }
            }
            drawTokens(maze, options: options, sprites: sprites, geometry: geometry, on: canvas)
        }
    }

    /// The cheese and the mouse alone, as `draw` puts them over the walls (for views whose background and walls
    /// come from a cached image, `MazeViewCache`).
    /// - Parameters:
    ///   - maze: the state whose cheese and mouse are drawn.
    ///   - options: which of the two are shown.
    ///   - sprites: procgen's sprites.
    ///   - geometry: where the maze's cells are on the canvas.
    ///   - canvas: the canvas drawn on.
    public static func drawTokens(_ maze: MazeState, options: MazeViewOptions, sprites: MazeSprites,
                                  geometry: MazeViewGeometry, on canvas: Canvas) {
        if options.showCheese, let cheese = maze.cheese {
            canvas.drawImage(sprites.cheese, in: geometry.rect(ofWorld: cheese, epsilon: 0.02), filter: .good)
        }
        if options.showMouse {
            let sprite = maze.facing == .right ? sprites.mirroredMouse : sprites.mouse
            canvas.drawImage(sprite, in: geometry.rect(ofWorld: maze.mouse), filter: .good)
        }
    }

    /// The view as an image `side` x `side` px, to embed once in an SVG/PDF figure or reuse in several panels.
    /// - Throws: `CairoError` from the image canvas.
    public static func image(_ maze: MazeState, options: MazeViewOptions, sprites: MazeSprites,
                             side: Int) throws -> PixelImage {
        let canvas = try Canvas(width: side, height: side)
        let frame = Rect(x: 0, y: 0, width: Double(side), height: Double(side))
        draw(maze, options: options, sprites: sprites,
             geometry: MazeViewGeometry(maze: maze, padding: options.padding, frame: frame), on: canvas)
        return try PixelImage(copying: canvas)
    }

    /// The side in px of procgen's render of `maze` with `padding` at `tileSize` px per cell: 512 for the whole
    /// hard-mode world, `mazeDimension` x 20.48 rounded when cropped.
    public static func side(of maze: MazeState, padding: PaddingMode, tileSize: Double? = nil) -> Int {
        let tile = tileSize ?? procgenTileSize(for: maze)
        let cells = padding == .shown ? maze.worldDimension : maze.mazeDimension
        return Int((Double(cells) * tile).rounded())
    }
}
