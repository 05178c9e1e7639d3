import CairoGraphics
import Foundation
import MazeSimulation

/// Maze views without cheese and mouse (the level's background and its walls), drawn once per maze, padding and
/// side and kept: the slow part of a view (scaling the background and every wall tile) done once for the many
/// frames of an animation. Safe to share between threads.
public final class MazeViewCache: @unchecked Sendable {
    private struct Key: Hashable {
        let walls: [Bool]
        let worldDimension: Int, mazeDimension: Int, background: Int
        let padding: PaddingMode
        let side: Int
    }

    private let lock = NSLock()
    private var images: [Key: PixelImage] = [:]

    public init() {}

    /// The view of a maze's background and walls (`MazeView.image` with the cheese and mouse hidden).
    /// - Parameters:
    ///   - maze: the maze; only its walls, size and background matter.
    ///   - padding: whether the sand margin is shown.
    ///   - side: the image's side in px.
    ///   - sprites: procgen's sprites, to draw it the first time.
    /// - Returns: the cached image, `side` x `side` px.
    /// - Throws: `CairoError` from drawing it the first time.
    public func image(of maze: MazeState, padding: PaddingMode, side: Int, sprites: MazeSprites) throws -> PixelImage {
        let range = 0..<maze.worldDimension
        let walls = range.flatMap { y in range.map { x in maze.isWall(WorldPoint(x: x, y: y)) } }
        let key = Key(walls: walls, worldDimension: maze.worldDimension, mazeDimension: maze.mazeDimension,
                      background: maze.backgroundIndex, padding: padding, side: side)
        lock.lock()
        let cached = images[key]
        lock.unlock()
        if let cached { return cached }
        let image = try MazeView.image(maze, options: MazeViewOptions(padding: padding, showMouse: false, showCheese: false),
                                       sprites: sprites, side: side)
        lock.lock()
        images[key] = image
        lock.unlock()
        return image
    }
}
