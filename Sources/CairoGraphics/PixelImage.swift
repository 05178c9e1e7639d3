import CCairo

/// How a scaled image samples its pixels.
public enum ImageFilter: Sendable {
    /// Nearest neighbour: hard pixel edges (observations shown as blocks).
    case nearest
    /// Bilinear interpolation.
    case bilinear
    /// Cairo's "good" filter: bilinear when enlarging, box-filtered when shrinking (smooth sprites).
    case good
}

/// An immutable picture to draw onto canvases (sprites, observations, heat maps), held as a Cairo
/// ARGB32 image surface: premultiplied alpha, each pixel a native-endian 32-bit word `0xAARRGGBB`.
///
/// Owns one `cairo_surface_t`. Safe to share between threads as a drawing source: nothing mutates it
/// after `init`.
public final class PixelImage: @unchecked Sendable {
    /// Byte order of a caller's pixel buffer. Alpha, when present, is straight (not premultiplied).
    public enum Layout: Sendable {
        /// 4 bytes per pixel in memory order R, G, B, A.
        case rgba
        /// 4 bytes per pixel in memory order B, G, R, A (Cairo's ARGB32 word on little-endian machines).
        case bgra
        /// 3 bytes per pixel in memory order R, G, B; opaque.
        case rgb

        /// Bytes per pixel.
        public var bytesPerPixel: Int { self == .rgb ? 3 : 4 }
    }

    /// Size in pixels.
    public let width: Int
    public let height: Int
    let surface: Surface

    /// Copies `pixels` (row-major, tightly packed, `width * height * layout.bytesPerPixel` bytes, top row
    /// first), converting to premultiplied ARGB32. Cost: one pass over the pixels.
    public convenience init(width: Int, height: Int, layout: Layout, pixels: [UInt8]) throws(CairoError) {
        precondition(pixels.count == width * height * layout.bytesPerPixel,
                     "PixelImage: \(pixels.count) bytes for \(width)x\(height) \(layout) pixels")
        let surface = try Surface.image(width: width, height: height)
        let handle = surface.handle
        cairo_surface_flush(handle)
        let stride = Int(cairo_image_surface_get_stride(handle))
        let base = UnsafeMutableRawPointer(cairo_image_surface_get_data(handle)!)
        let bpp = layout.bytesPerPixel
        // Byte offsets of red and blue within a source pixel; green is always at 1.
        let (redOffset, blueOffset) = layout == .bgra ? (2, 0) : (0, 2)
        let hasAlpha = layout != .rgb
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<height {
                let row = (base + y * stride).assumingMemoryBound(to: UInt32.self)
                let sourceRow = source.baseAddress! + y * width * bpp
                for x in 0..<width {
                    let pixel = sourceRow + x * bpp
                    let a: UInt32 = hasAlpha ? UInt32(pixel[3]) : 255
                    let r = premultiply(UInt32(pixel[redOffset]), a)
                    let g = premultiply(UInt32(pixel[1]), a)
                    let b = premultiply(UInt32(pixel[blueOffset]), a)
                    row[x] = a << 24 | r << 16 | g << 8 | b
                }
            }
        }
        cairo_surface_mark_dirty(handle)
        self.init(surface: surface, width: width, height: height)
    }

    init(surface: Surface, width: Int, height: Int) {
        self.width = width
        self.height = height
        self.surface = surface
    }

    /// A copy of an image canvas's current pixels, to draw again elsewhere (for example one maze view
    /// reused in several panels). Cost: one copy of the pixels. Throws `.surfaceTypeMismatch` for SVG/PDF
    /// canvases, or the canvas's first drawing error.
    public convenience init(copying canvas: Canvas) throws(CairoError) {
        guard canvas.format == .png else {
            throw CairoError(function: "cairo_image_surface_create", status: .surfaceTypeMismatch)
        }
        try canvas.checkStatus()
        let source = PixelImage(surface: canvas.surface, width: Int(canvas.width), height: Int(canvas.height))
        let copy = try source.upscaled(by: 1)
        self.init(surface: copy.surface, width: copy.width, height: copy.height)
    }

    /// This image enlarged `factor` times with nearest-neighbour sampling (each pixel a `factor`² block).
    func upscaled(by factor: Int) throws(CairoError) -> PixelImage {
        let surface = try Surface.image(width: width * factor, height: height * factor)
        let context = cairo_create(surface.handle)!
        defer { cairo_destroy(context) }
        cairo_scale(context, Double(factor), Double(factor))
        cairo_set_source_surface(context, self.surface.handle, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
        cairo_set_operator(context, CAIRO_OPERATOR_SOURCE)
        cairo_paint(context)
        try cairoCheck(cairo_status(context), function: "cairo_paint")
        cairo_surface_flush(surface.handle)
        return PixelImage(surface: surface, width: width * factor, height: height * factor)
    }
}

@inline(__always)
private func premultiply(_ value: UInt32, _ alpha: UInt32) -> UInt32 {
    alpha == 255 ? value : (value * alpha + 127) / 255
}

extension Canvas {
    /// Draws `image` stretched to fill `rect` (user units), sampled with `filter`, at opacity `alpha`.
    /// On image canvases the edges are padded so smooth filters do not fade to transparent at the border.
    /// On SVG/PDF canvases the image is embedded at its own pixel size, once per call, and scaled by the
    /// document's transform; `.nearest` asks viewers for nearest-neighbour sampling: `/Interpolate false` in
    /// PDF (Cairo's own), `image-rendering` on the `<image>` element in SVG (added when the document is
    /// finished: Cairo 1.16's SVG backend ignores the pattern filter).
    public func drawImage(_ image: PixelImage, in rect: Rect, filter: ImageFilter = .good, alpha: Double = 1) {
        guard rect.width != 0, rect.height != 0 else { return }
        var source = image
        if format == .svg, filter == .nearest {
            do {
                source = try pixelatedSVGSource(for: image)
            } catch {
                if firstError == nil { firstError = error }
                return
            }
        }
        withSavedState {
            translate(x: rect.x, y: rect.y)
            scale(x: rect.width / Double(image.width), y: rect.height / Double(image.height))
            cairo_set_source_surface(context, source.surface.handle, 0, 0)
            note("cairo_set_source_surface")
            let pattern = cairo_get_source(context)
            let cairoFilter = switch filter {
            case .nearest: CAIRO_FILTER_NEAREST
            case .bilinear: CAIRO_FILTER_BILINEAR
            case .good: CAIRO_FILTER_GOOD
            }
            cairo_pattern_set_filter(pattern, cairoFilter)
            if format == .png { cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD) }
            newPath()
            addRectangle(Rect(x: 0, y: 0, width: Double(image.width), height: Double(image.height)))
            clip()
            cairo_paint_with_alpha(context, alpha)
            note("cairo_paint_with_alpha")
        }
    }

    /// A copy of `image` that Cairo's SVG backend embeds through a `data:image/png;base64,` URI this canvas
    /// made (the same PNG Cairo would write), remembered so `finish()` can mark that `<image>` element
    /// pixelated. One copy per image per canvas: drawing the same image again reuses its `<image>` element.
    private func pixelatedSVGSource(for image: PixelImage) throws(CairoError) -> PixelImage {
        if let known = pixelatedSVGSources[ObjectIdentifier(image)] { return known.copy }
        let copy = try image.upscaled(by: 1)
        let sink = ByteSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(copy.surface.handle, writeToSink, sink.opaque)
        }
        try cairoCheck(status, function: "cairo_surface_write_to_png_stream")
        let uri = Array("data:image/png;base64,".utf8) + base64(sink.bytes)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: uri.count)
        buffer.initialize(from: uri, count: uri.count)
        let mimeStatus = cairo_surface_set_mime_data(copy.surface.handle, CAIRO_MIME_TYPE_URI, buffer,
                                                     UInt(uri.count), { $0?.assumingMemoryBound(to: UInt8.self).deallocate() },
                                                     buffer)
        if mimeStatus != CAIRO_STATUS_SUCCESS { buffer.deallocate() }
        try cairoCheck(mimeStatus, function: "cairo_surface_set_mime_data")
        pixelatedSVGSources[ObjectIdentifier(image)] = (image, copy)
        pixelatedSVGImageURIs.insert(uri)
        return copy
    }

    /// Converts `pixels` (see `PixelImage.init`) and draws them into `rect`. Cost: one conversion pass per
    /// call; make a `PixelImage` once to draw the same pixels repeatedly.
    public func drawPixels(_ pixels: [UInt8], width: Int, height: Int, layout: PixelImage.Layout, in rect: Rect,
                           filter: ImageFilter = .good, alpha: Double = 1) throws(CairoError) {
        let image = try PixelImage(width: width, height: height, layout: layout, pixels: pixels)
        drawImage(image, in: rect, filter: filter, alpha: alpha)
    }
}

/// Standard base64 (RFC 4648, with padding), as Cairo writes image data into SVG.
func base64(_ bytes: [UInt8]) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
        let b0 = UInt32(bytes[i])
        let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
        let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let word = b0 << 16 | b1 << 8 | b2
        output.append(alphabet[Int(word >> 18 & 63)])
        output.append(alphabet[Int(word >> 12 & 63)])
        output.append(i + 1 < bytes.count ? alphabet[Int(word >> 6 & 63)] : UInt8(ascii: "="))
        output.append(i + 2 < bytes.count ? alphabet[Int(word & 63)] : UInt8(ascii: "="))
        i += 3
    }
    return output
}
