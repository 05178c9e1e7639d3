/// An image as Qt holds it in memory: one 32-bit word per pixel, `0xAARRGGBB`, rows top first.
///
/// Sprites are `Format_ARGB32_Premultiplied` (colour already multiplied by alpha, with Qt's rounding);
/// backgrounds are `Format_RGB32` (alpha forced to 255, colour copied).
struct PackedImage: Sendable {
    let width: Int
    let height: Int
    /// `[height, width]` words `0xAARRGGBB`.
    let pixels: [UInt32]

    /// Qt's `convertToFormat(Format_ARGB32_Premultiplied)`: per channel `(c*a + ((c*a) >> 8) + 0x80) >> 8`.
    static func premultiplied(_ image: StraightRGBAImage) -> PackedImage {
        var pixels = [UInt32](repeating: 0, count: image.width * image.height)
        image.bytes.withUnsafeBufferPointer { bytes in
            for i in pixels.indices {
                let a = UInt32(bytes[4 * i + 3])
                func scaled(_ c: UInt8) -> UInt32 {
                    let t = UInt32(c) * a
                    return (t + (t >> 8) + 0x80) >> 8
                }
                pixels[i] = a << 24 | scaled(bytes[4 * i]) << 16 | scaled(bytes[4 * i + 1]) << 8 | scaled(bytes[4 * i + 2])
            }
        }
        return PackedImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// Qt's `convertToFormat(Format_RGB32)` of an opaque image: colour copied, alpha set to 255.
    static func opaque(_ image: StraightRGBAImage) -> PackedImage {
        var pixels = [UInt32](repeating: 0, count: image.width * image.height)
        image.bytes.withUnsafeBufferPointer { bytes in
            for i in pixels.indices {
                pixels[i] = 0xff00_0000 | UInt32(bytes[4 * i]) << 16 | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2])
            }
        }
        return PackedImage(width: image.width, height: image.height, pixels: pixels)
    }
}

/// Qt's source-over of a premultiplied pixel onto any pixel: `dst = src + BYTE_MUL(dst, 255 - alpha(src))`,
/// per channel, with `BYTE_MUL(x, a) = (t + (t >> 8) + 0x80) >> 8`, `t = x * a` (two channels per multiply).
@inline(__always)
func sourceOver(_ source: UInt32, _ destination: UInt32) -> UInt32 {
    let inverseAlpha = 255 - (source >> 24)
    if inverseAlpha == 0 { return source }
    if inverseAlpha == 255 { return destination }
    var redBlue = (destination & 0x00ff_00ff) &* inverseAlpha
    redBlue = ((redBlue &+ ((redBlue >> 8) & 0x00ff_00ff) &+ 0x0080_0080) >> 8) & 0x00ff_00ff
    var alphaGreen = ((destination >> 8) & 0x00ff_00ff) &* inverseAlpha
    alphaGreen = (alphaGreen &+ ((alphaGreen >> 8) & 0x00ff_00ff) &+ 0x0080_0080) & 0xff00_ff00
    return source &+ (redBlue | alphaGreen)
}
