import CLibPNG

/// Encodes 8-bit RGB images as PNG with libpng's simplified write API (lossless: the bytes decode back exactly).
public enum PNGEncoder {
    /// - Parameters:
    ///   - rgb: `[height, width, 3]` bytes, rows top first.
    ///   - width: image width in px.
    ///   - height: image height in px.
    /// - Returns: the PNG file's bytes.
    /// - Throws: `PNGDecodingError` naming the failing libpng call (the type serves both directions).
    public static func encodeRGB(_ rgb: [UInt8], width: Int, height: Int) throws(PNGDecodingError) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "RGB byte count does not match \(width)x\(height)")
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR)  // PNG_FORMAT_RGB
        var size = 0
        // First call measures, second call writes.
        let measured = rgb.withUnsafeBytes { raw in
            png_image_write_to_memory(&image, nil, &size, 0, raw.baseAddress, Int32(width * 3), nil)
        }
        guard measured != 0, size > 0 else { throw failure("png_image_write_to_memory", &image) }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            rgb.withUnsafeBytes { raw in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, raw.baseAddress, Int32(width * 3), nil)
            }
        }
        guard written != 0 else { throw failure("png_image_write_to_memory", &image) }
        png_image_free(&image)
        return Array(output.prefix(size))
    }

    private static func failure(_ function: String, _ image: inout png_image) -> PNGDecodingError {
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return PNGDecodingError(function: function, message: message.isEmpty ? "unknown libpng error" : message)
    }
}

extension Observation {
    /// The observation as RGB bytes enlarged `scale` times by nearest neighbour (`[64·scale, 64·scale, 3]`).
    public func enlarged(by scale: Int) -> [UInt8] {
        guard scale > 1 else { return rgb }
        let side = Observation.side, big = side * scale
        var output = [UInt8](repeating: 0, count: big * big * 3)
        for row in 0..<big {
            for column in 0..<big {
                let source = ((row / scale) * side + column / scale) * 3
                let target = (row * big + column) * 3
                output[target] = rgb[source]
                output[target + 1] = rgb[source + 1]
                output[target + 2] = rgb[source + 2]
            }
        }
        return output
    }
}
