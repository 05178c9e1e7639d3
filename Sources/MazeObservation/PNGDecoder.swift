import CLibPNG

/// An image as straight (not premultiplied) 8-bit RGBA, rows top first.
public struct StraightRGBAImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// `[height, width, 4]` bytes in R, G, B, A order; colour channels are not multiplied by alpha.
    public let bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * 4, "RGBA byte count does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}

/// A libpng call that failed, with libpng's own message.
public struct PNGDecodingError: Error, CustomStringConvertible {
    public let function: String
    public let message: String
    public var description: String { "\(function) failed: \(message)" }
}

/// Decodes PNG files with libpng's simplified read API into exact straight RGBA8.
///
/// The file's samples are passed through: 8-bit files whose gamma is sRGB (or unstated, or `gAMA` 1/2.2, as
/// every procgen asset is) are not gamma-corrected and alpha is not premultiplied, so the bytes equal the
/// file's samples, which is what Qt's PNG reader gives procgen. Grey and RGB files get alpha 255.
public enum PNGDecoder {
    /// - Returns: the image as straight RGBA8 (`[height, width, 4]`).
    /// - Throws: `PNGDecodingError` naming the libpng call and its message.
    public static func decode(_ data: [UInt8]) throws(PNGDecodingError) -> StraightRGBAImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        try check(begun, "png_image_begin_read_from_memory", &image)

        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA
        let width = Int(image.width)
        let height = Int(image.height)
        var bytes = [UInt8](repeating: 0, count: width * height * 4)
        let finished = bytes.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, Int32(width * 4), nil)
        }
        try check(finished, "png_image_finish_read", &image)
        png_image_free(&image)
        return StraightRGBAImage(width: width, height: height, bytes: bytes)
    }

    /// The single choke point turning a libpng status into a typed error.
    private static func check(_ status: Int32, _ function: String, _ image: inout png_image) throws(PNGDecodingError) {
        guard status == 0 else { return }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        throw PNGDecodingError(function: function, message: message.isEmpty ? "unknown libpng error" : message)
    }
}
