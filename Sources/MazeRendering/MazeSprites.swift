import CairoGraphics
import MazeObservation

/// procgen's maze images as Cairo images, ready to be drawn at any size: the sand wall tile, the cheese, the
/// mouse (and its mirror image, for a mouse facing right) and the 9 top-down backgrounds.
/// Made once from `ObservationAssets` (straight RGBA, checked by SHA-256); shareable between threads.
public struct MazeSprites: Sendable {
    public let wall: PixelImage
    public let cheese: PixelImage
    public let mouse: PixelImage
    public let mirroredMouse: PixelImage
    /// In procgen's `background_index` order.
    public let backgrounds: [PixelImage]

    /// Converts the decoded asset files (order: mouse, wall, cheese, backgrounds 0...8).
    /// Cost: one pass over each image's pixels.
    public init(assets: ObservationAssets) throws(CairoError) {
        let images = assets.images
        precondition(images.count == ObservationAssets.files.count, "ObservationAssets holds \(images.count) images")
        func pixelImage(_ image: StraightRGBAImage) throws(CairoError) -> PixelImage {
            try PixelImage(width: image.width, height: image.height, layout: .rgba, pixels: image.bytes)
        }
        mouse = try pixelImage(images[0])
        mirroredMouse = try pixelImage(Self.mirrored(images[0]))
        wall = try pixelImage(images[1])
        cheese = try pixelImage(images[2])
        var backgrounds: [PixelImage] = []
        for image in images[3...] { backgrounds.append(try pixelImage(image)) }
        self.backgrounds = backgrounds
    }

    /// The image flipped left to right.
    static func mirrored(_ image: StraightRGBAImage) -> StraightRGBAImage {
        var bytes = image.bytes
        for row in 0..<image.height {
            for column in 0..<image.width {
                let from = 4 * (row * image.width + image.width - 1 - column), to = 4 * (row * image.width + column)
                for channel in 0..<4 { bytes[to + channel] = image.bytes[from + channel] }
            }
        }
        return StraightRGBAImage(width: image.width, height: image.height, bytes: bytes)
    }
}
