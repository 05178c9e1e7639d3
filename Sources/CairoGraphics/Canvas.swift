import CCairo

/// A drawing target: an ARGB32 image (PNG output), an SVG document (px units) or a one-page PDF (pt).
///
/// Owns one `cairo_t`; its surface is owned by an internal `Surface`. Coordinates are user-space units:
/// px for `.png` and `.svg`, pt for `.pdf`, origin at the top left, `y` down, transformed by
/// `translate`/`scale`/`rotate`.
///
/// Drawing calls do not throw: like Cairo itself, the canvas latches its first error (with the name of
/// the C call that caused it) and every later output call (`writePNG`, `pngBytes`, `finish`, `write`,
/// `withUnsafePixels`, `checkStatus`) throws it. Not thread-safe; use one canvas per thread.
///
/// ```swift
/// let format = try OutputFormat.forWriting(to: "Renders/vfield.svg")   // fail before any work
/// let canvas = try Canvas(format: format, width: 512, height: 512)
/// canvas.paint(.black)
/// canvas.fillArrow(from: Point(x: 20, y: 20), to: Point(x: 40, y: 20),
///                  style: ArrowStyle(shaftWidth: 2), color: .white)
/// canvas.font = Font(size: 16, weight: .bold)
/// canvas.drawText("Original", at: Point(x: 256, y: 500), color: .white, alignment: .center)
/// try canvas.write(to: "Renders/vfield.svg")   // temporary file, then rename
/// ```
public final class Canvas {
    /// The output this canvas produces.
    public let format: OutputFormat
    /// Width in px (`.png`, `.svg`) or pt (`.pdf`).
    public let width: Double
    /// Height in px (`.png`, `.svg`) or pt (`.pdf`).
    public let height: Double

    let surface: Surface
    let context: OpaquePointer
    var firstError: CairoError?
    var finishedDocument: [UInt8]?
    /// Mirror of the font set on the context (see `Canvas+Text.swift`), saved and restored with it.
    var currentFont = Font()
    var savedFonts: [Font] = []
    /// SVG only: images drawn with `.nearest`, each with the copy embedded in its place (see `drawImage`), and
    /// the `data:` URIs of those copies, whose `<image>` elements `finish()` marks pixelated.
    var pixelatedSVGSources: [ObjectIdentifier: (image: PixelImage, copy: PixelImage)] = [:]
    var pixelatedSVGImageURIs: Set<[UInt8]> = []

    /// An image canvas of `width` x `height` px, transparent black. Cost: `4 * width * height` bytes.
    public convenience init(width: Int, height: Int) throws(CairoError) {
        try self.init(surface: .image(width: width, height: height), format: .png,
                      width: Double(width), height: Double(height))
    }

    /// A canvas for `format`. `.png`: an image whose size is `width` x `height` rounded up to whole px;
    /// `.svg`: px units; `.pdf`: pt units (1 pt = 1/72 in). Vector canvases keep their document in memory
    /// until `finish()`.
    public convenience init(format: OutputFormat, width: Double, height: Double) throws(CairoError) {
        switch format {
        case .png:
            guard width.isFinite, height.isFinite, width > 0, height > 0 else {
                throw CairoError(function: "cairo_image_surface_create", status: .invalidSize)
            }
            try self.init(width: Int(width.rounded(.up)), height: Int(height.rounded(.up)))
        case .svg:
            try self.init(surface: .svg(width: width, height: height), format: .svg, width: width, height: height)
        case .pdf:
            try self.init(surface: .pdf(width: width, height: height), format: .pdf, width: width, height: height)
        }
    }

    private init(surface: Surface, format: OutputFormat, width: Double, height: Double) throws(CairoError) {
        let context = cairo_create(surface.handle)!
        do {
            try cairoCheck(cairo_status(context), function: "cairo_create")
        } catch {
            cairo_destroy(context)
            throw error
        }
        self.surface = surface
        self.context = context
        self.format = format
        self.width = width
        self.height = height
        applyFontDefaults()
    }

    deinit {
        cairo_destroy(context)
    }

    /// Records the context's status after `function`; the first failure is kept and thrown by output calls.
    @inline(__always)
    func note(_ function: StaticString) {
        guard firstError == nil else { return }
        let status = cairo_status(context)
        if status != CAIRO_STATUS_SUCCESS {
            firstError = CairoError(function: function.description, status: CairoError.Status(status))
        }
    }

    /// Throws the first error any drawing call on this canvas met, if any.
    public func checkStatus() throws(CairoError) {
        if let firstError { throw firstError }
        try cairoCheck(cairo_status(context), function: "cairo_status")
    }

    // MARK: State and transforms

    /// Pushes the graphics state (transform, colour, line style, clip, font) onto Cairo's stack.
    public func save() {
        cairo_save(context)
        note("cairo_save")
        savedFonts.append(currentFont)
    }

    /// Pops the state pushed by the matching `save()`; without one, the canvas latches
    /// `CairoError(function: "cairo_restore", status: .invalidRestore)`.
    public func restore() {
        cairo_restore(context)
        note("cairo_restore")
        if let saved = savedFonts.popLast() { currentFont = saved }
    }

    /// Runs `body` between `save()` and `restore()`.
    public func withSavedState<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        save()
        defer { restore() }
        return try body()
    }

    /// Moves the origin by (`x`, `y`) current user units.
    public func translate(x: Double, y: Double) {
        cairo_translate(context, x, y)
        note("cairo_translate")
    }

    /// Scales user units; a zero factor latches `.invalidMatrix`.
    public func scale(x: Double, y: Double) {
        cairo_scale(context, x, y)
        note("cairo_scale")
    }

    /// Scales both axes by `factor`.
    public func scale(_ factor: Double) { scale(x: factor, y: factor) }

    /// Rotates user space by `radians`; positive turns +x towards +y (clockwise on screen).
    public func rotate(radians: Double) {
        cairo_rotate(context, radians)
        note("cairo_rotate")
    }

    /// `point` (user units) in device space: px of an image canvas or of an SVG document, pt of a PDF page.
    public func userToDevice(_ point: Point) -> Point {
        var x = point.x, y = point.y
        cairo_user_to_device(context, &x, &y)
        return Point(x: x, y: y)
    }

    /// Resets the transform to the identity (user units = device units).
    public func resetTransform() {
        cairo_identity_matrix(context)
        note("cairo_identity_matrix")
    }

    // MARK: Paths (all coordinates in current user units)

    /// Discards the current path.
    public func newPath() {
        cairo_new_path(context)
        note("cairo_new_path")
    }

    public func move(to point: Point) {
        cairo_move_to(context, point.x, point.y)
        note("cairo_move_to")
    }

    /// A straight segment from the current point (or, with no current point, just a move to `point`).
    public func line(to point: Point) {
        cairo_line_to(context, point.x, point.y)
        note("cairo_line_to")
    }

    /// A cubic Bézier segment from the current point to `point`.
    public func curve(to point: Point, control1: Point, control2: Point) {
        cairo_curve_to(context, control1.x, control1.y, control2.x, control2.y, point.x, point.y)
        note("cairo_curve_to")
    }

    /// A closed rectangle subpath.
    public func addRectangle(_ rect: Rect) {
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        note("cairo_rectangle")
    }

    /// A circular arc from `startAngle` to `endAngle` (radians, 0 along +x), drawn in the direction of
    /// increasing angle (clockwise on screen), or decreasing when `negative` is true. Cairo joins it to
    /// the current point with a line, if there is one.
    public func addArc(center: Point, radius: Double, startAngle: Double, endAngle: Double, negative: Bool = false) {
        if negative {
            cairo_arc_negative(context, center.x, center.y, radius, startAngle, endAngle)
            note("cairo_arc_negative")
        } else {
            cairo_arc(context, center.x, center.y, radius, startAngle, endAngle)
            note("cairo_arc")
        }
    }

    /// A closed circle subpath.
    public func addCircle(center: Point, radius: Double) {
        cairo_new_sub_path(context)
        addArc(center: center, radius: radius, startAngle: 0, endAngle: 2 * Double.pi)
        closePath()
    }

    /// Closes the current subpath with a line back to its start.
    public func closePath() {
        cairo_close_path(context)
        note("cairo_close_path")
    }

    // MARK: Paint

    /// The source colour used by `fill()`, `stroke()`, `paint()` and text.
    public func setColor(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
        note("cairo_set_source_rgba")
    }

    /// Fills the current path with the current colour; keeps the path when `preserve` is true.
    public func fill(preserve: Bool = false) {
        if preserve { cairo_fill_preserve(context); note("cairo_fill_preserve") }
        else { cairo_fill(context); note("cairo_fill") }
    }

    /// Strokes the current path with the current colour and line style.
    public func stroke(preserve: Bool = false) {
        if preserve { cairo_stroke_preserve(context); note("cairo_stroke_preserve") }
        else { cairo_stroke(context); note("cairo_stroke") }
    }

    /// Fills the current path with `color` and clears it.
    public func fill(_ color: Color) {
        setColor(color)
        fill()
    }

    /// Strokes the current path with `color` (and `lineWidth`, when given) and clears it.
    public func stroke(_ color: Color, lineWidth: Double? = nil) {
        setColor(color)
        if let lineWidth { self.lineWidth = lineWidth }
        stroke()
    }

    /// Fills `rect` with `color`.
    public func fill(_ rect: Rect, _ color: Color) {
        newPath()
        addRectangle(rect)
        fill(color)
    }

    /// Paints `color` over the whole clip region (the whole canvas unless clipped), replacing what is
    /// there when `replace` is true (so a transparent colour clears), else blending over it.
    public func paint(_ color: Color, replace: Bool = false) {
        setColor(color)
        if replace { cairo_set_operator(context, CAIRO_OPERATOR_SOURCE) }
        cairo_paint(context)
        note("cairo_paint")
        if replace { cairo_set_operator(context, CAIRO_OPERATOR_OVER) }
    }

    /// Intersects the clip region with the current path, then clears the path.
    public func clip() {
        cairo_clip(context)
        note("cairo_clip")
    }

    /// Removes all clipping.
    public func resetClip() {
        cairo_reset_clip(context)
        note("cairo_reset_clip")
    }
}
