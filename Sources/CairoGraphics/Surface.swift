import CCairo
import OutputFiles

/// Owns one `cairo_surface_t` (the only owner of the handle; Cairo contexts and patterns that use it
/// take their own Cairo references). Vector surfaces stream their bytes into `sink`, which lives as long
/// as this object and so outlives the C surface destroyed in `deinit`.
final class Surface {
    let handle: OpaquePointer
    let sink: ByteSink?

    private init(handle: OpaquePointer, sink: ByteSink?) {
        self.handle = handle
        self.sink = sink
    }

    deinit {
        // Destroying an unfinished vector surface finishes it, writing into `sink`, which is still alive here.
        cairo_surface_destroy(handle)
    }

    /// An ARGB32 image surface, cleared to transparent black. Cost: one `height * stride` allocation.
    static func image(width: Int, height: Int) throws(CairoError) -> Surface {
        guard width > 0, height > 0, width <= 32767, height <= 32767 else {
            throw CairoError(function: "cairo_image_surface_create", status: .invalidSize)
        }
        let handle = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        let surface = Surface(handle: handle, sink: nil)
        try cairoCheck(cairo_surface_status(handle), function: "cairo_image_surface_create")
        return surface
    }

    /// An SVG 1.1 surface in px units, streaming into memory.
    static func svg(width: Double, height: Double) throws(CairoError) -> Surface {
        try checkVectorSize(width, height, function: "cairo_svg_surface_create_for_stream")
        let sink = ByteSink()
        let handle = cairo_svg_surface_create_for_stream(writeToSink, sink.opaque, width, height)!
        let surface = Surface(handle: handle, sink: sink)
        try cairoCheck(cairo_surface_status(handle), function: "cairo_svg_surface_create_for_stream")
        // Cairo's default unit is pt, which would make a 512-unit canvas 682.67 px wide in a browser.
        cairo_svg_surface_set_document_unit(handle, CAIRO_SVG_UNIT_PX)
        try cairoCheck(cairo_surface_status(handle), function: "cairo_svg_surface_set_document_unit")
        return surface
    }

    /// A PDF surface of one page of `width` x `height` pt, streaming into memory. The creation date is
    /// fixed so the same drawing gives the same bytes.
    static func pdf(width: Double, height: Double) throws(CairoError) -> Surface {
        try checkVectorSize(width, height, function: "cairo_pdf_surface_create_for_stream")
        let sink = ByteSink()
        let handle = cairo_pdf_surface_create_for_stream(writeToSink, sink.opaque, width, height)!
        let surface = Surface(handle: handle, sink: sink)
        try cairoCheck(cairo_surface_status(handle), function: "cairo_pdf_surface_create_for_stream")
        cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_CREATOR, "mazerender")
        try cairoCheck(cairo_surface_status(handle), function: "cairo_pdf_surface_set_metadata")
        return surface
    }

    /// Sets a PDF surface's document information from key-value metadata: `/Title` from the `Title` entry,
    /// `/Creator` from the `Software` entry, and `/Subject` as one `Key: value` line per entry (all of them, so a
    /// reader gets every pair back in order). Must run before the surface is finished.
    func setPDFMetadata(_ metadata: EmbeddedMetadata.Entries) throws(CairoError) {
        if let title = metadata.first(where: { $0.key == "Title" }) {
            cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_TITLE, title.value)
        }
        if let software = metadata.first(where: { $0.key == "Software" }) {
            cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_CREATOR, software.value)
        }
        cairo_pdf_surface_set_metadata(handle, CAIRO_PDF_METADATA_SUBJECT, EmbeddedMetadata.lines(metadata))
        try cairoCheck(cairo_surface_status(handle), function: "cairo_pdf_surface_set_metadata")
    }

    private static func checkVectorSize(_ width: Double, _ height: Double, function: String) throws(CairoError) {
        guard width > 0, height > 0, width.isFinite, height.isFinite else {
            throw CairoError(function: function, status: .invalidSize)
        }
    }

    func status(_ function: String) throws(CairoError) {
        try cairoCheck(cairo_surface_status(handle), function: function)
    }
}

/// Bytes written by Cairo through a `cairo_write_func_t`. Cairo's callbacks cannot capture Swift state,
/// so the sink travels as an unretained `Unmanaged` pointer whose lifetime its owner guarantees.
final class ByteSink {
    var bytes: [UInt8] = []

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

/// The C callback behind every stream Cairo writes (SVG, PDF, PNG).
func writeToSink(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure else { return CAIRO_STATUS_NULL_POINTER }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    }
    return CAIRO_STATUS_SUCCESS
}
