import CCairo
import OutputFiles

extension Canvas {
    /// Encodes an image canvas as PNG (8-bit RGBA, non-premultiplied) in memory. Cost: zlib compression,
    /// about 10 ms for 512x512. Throws the canvas's first drawing error, or
    /// `CairoError(function: "cairo_surface_write_to_png_stream", ...)`; `.surfaceTypeMismatch` on SVG/PDF.
    public func pngBytes() throws(CairoError) -> [UInt8] {
        try requireImage("cairo_surface_write_to_png_stream")
        try checkStatus()
        let sink = ByteSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface.handle, writeToSink, sink.opaque)
        }
        try cairoCheck(status, function: "cairo_surface_write_to_png_stream")
        return sink.bytes
    }

    /// Writes the image canvas as a PNG file at `path` through `OutputFile` (temporary file, fsync, rename),
    /// so a failure or an interruption leaves nothing under `path`.
    /// Throws `CairoError` (drawing or encoding) or `OutputFileError` (file system).
    public func writePNG(to path: String) throws {
        try OutputFile.write(pngBytes(), to: path)
    }

    /// Calls `body` with the image canvas's pixels, after flushing Cairo's pending drawing, and marks the
    /// surface dirty afterwards so changes made by `body` are seen by later drawing.
    ///
    /// Layout: `height` rows of `stride` bytes (stride >= 4 * width, rows may be padded), top row first.
    /// Each pixel is Cairo ARGB32: a native-endian 32-bit word `0xAARRGGBB` with premultiplied alpha,
    /// so on little-endian machines (x86-64, arm64) the bytes are B, G, R, A. The pointer must not
    /// escape `body`. Throws `.surfaceTypeMismatch` on SVG/PDF canvases.
    public func withUnsafePixels<R>(
        _ body: (_ pixels: UnsafeMutableRawBufferPointer, _ width: Int, _ height: Int, _ stride: Int) throws -> R
    ) throws -> R {
        try requireImage("cairo_image_surface_get_data")
        try checkStatus()
        let handle = surface.handle
        cairo_surface_flush(handle)
        try surface.status("cairo_surface_flush")
        let width = Int(cairo_image_surface_get_width(handle))
        let height = Int(cairo_image_surface_get_height(handle))
        let stride = Int(cairo_image_surface_get_stride(handle))
        guard let data = cairo_image_surface_get_data(handle) else {
            throw CairoError(function: "cairo_image_surface_get_data", status: .nullPointer)
        }
        defer { cairo_surface_mark_dirty(handle) }
        return try body(UnsafeMutableRawBufferPointer(start: data, count: stride * height), width, height, stride)
    }

    /// Ends an SVG or PDF document and returns its bytes (SVG element ids renumbered so the same drawing
    /// always gives the same bytes). Later drawing on this canvas fails with
    /// `.surfaceFinished`; calling `finish()` again returns the same bytes. On an image canvas it returns
    /// the PNG bytes. Throws the canvas's first drawing error, or
    /// `CairoError(function: "cairo_surface_finish", ...)`.
    public func finish() throws(CairoError) -> [UInt8] {
        if format == .png { return try pngBytes() }
        if let finishedDocument { return finishedDocument }
        try checkStatus()
        cairo_surface_finish(surface.handle)
        try surface.status("cairo_surface_finish")
        var bytes = surface.sink?.bytes ?? []
        surface.sink?.bytes = []
        if format == .svg {
            bytes = canonicalizeSVGIdentifiers(markPixelatedSVGImages(bytes, uris: pixelatedSVGImageURIs))
        }
        finishedDocument = bytes
        return bytes
    }

    /// Writes the canvas in its own format (PNG, SVG or PDF) to `path`, whose extension must name that
    /// format; finishes SVG/PDF documents. The file appears atomically through `OutputFile`.
    /// Throws `OutputFormatError`, `CairoError` or `OutputFileError`.
    public func write(to path: String) throws {
        try write(to: path, metadata: [])
    }

    /// Writes the canvas like `write(to:)`, carrying `metadata` (key-value text, e.g. `Provenance.entries`):
    /// PNG `tEXt`/`iTXt` chunks after `IHDR`, an SVG `<metadata>` element, or, in a PDF, the document
    /// information dictionary (`/Subject` holds one `Key: value` line per entry, `/Title` the `Title` entry,
    /// `/Creator` the `Software` entry). `EmbeddedMetadata.read` and `mazerender info` read it back.
    /// Throws `OutputFormatError`, `CairoError`, `EmbeddedMetadataError` (a key PNG cannot store) or
    /// `OutputFileError`.
    public func write(to path: String, metadata: EmbeddedMetadata.Entries) throws {
        let requested = try OutputFormat(path: path)
        guard requested == format else { throw OutputFormatError.formatMismatch(canvas: format, path: path) }
        try OutputFile.write(fileBytes(metadata: metadata, path: path), to: path)
    }

    /// The file's bytes in the canvas's format with `metadata` embedded (see `write(to:metadata:)`); finishes
    /// SVG/PDF documents. For PDF, `metadata` must be given before the document is finished (by `finish()` or an
    /// earlier call): a finished PDF throws `CairoError(function: "cairo_pdf_surface_set_metadata",
    /// status: .surfaceFinished)`. `path` only names the file in errors.
    public func fileBytes(metadata: EmbeddedMetadata.Entries, path: String = "<memory>") throws -> [UInt8] {
        switch format {
        case .png:
            return try EmbeddedMetadata.inserting(metadata, into: pngBytes(), format: .png, path: path)
        case .svg:
            return try EmbeddedMetadata.inserting(metadata, into: finish(), format: .svg, path: path)
        case .pdf:
            if !metadata.isEmpty {
                if finishedDocument != nil {
                    throw CairoError(function: "cairo_pdf_surface_set_metadata", status: .surfaceFinished)
                }
                try surface.setPDFMetadata(metadata)
            }
            return try finish()
        }
    }

    /// Writes the image canvas as a PNG carrying `metadata` (see `write(to:metadata:)`).
    public func writePNG(to path: String, metadata: EmbeddedMetadata.Entries) throws {
        try requireImage("cairo_surface_write_to_png_stream")
        try OutputFile.write(fileBytes(metadata: metadata, path: path), to: path)
    }

    private func requireImage(_ function: String) throws(CairoError) {
        if format != .png { throw CairoError(function: function, status: .surfaceTypeMismatch) }
    }
}

extension CairoError.Status {
    public static let nullPointer = CairoError.Status(CAIRO_STATUS_NULL_POINTER)
}
