import CCairo

/// A font for Cairo's toy text API: a fontconfig family name, a size in user units, weight and slant.
/// Name an installed font (the default, DejaVu Sans, comes from `fonts-dejavu-core`) so renders match
/// on every machine; an unknown family silently falls back to fontconfig's choice.
public struct Font: Equatable, Hashable, Sendable {
    public enum Weight: Sendable { case normal, bold }
    public enum Slant: Sendable { case normal, italic, oblique }

    public var family: String
    /// Em size in user units (px on image/SVG canvases, pt on PDF).
    public var size: Double
    public var weight: Weight
    public var slant: Slant

    public init(family: String = "DejaVu Sans", size: Double = 12, weight: Weight = .normal, slant: Slant = .normal) {
        self.family = family
        self.size = size
        self.weight = weight
        self.slant = slant
    }

    /// The same font at another size.
    public func withSize(_ size: Double) -> Font {
        var copy = self
        copy.size = size
        return copy
    }
}

/// Horizontal placement of text relative to the anchor point, using the ink extents of the string.
public enum TextAlignment: Sendable {
    case left, center, right
}

/// Vertical placement of text relative to the anchor point, using the font's ascent and descent
/// (so every string with one font sits at the same height).
public enum TextBaseline: Sendable {
    /// The anchor is on the baseline.
    case baseline
    /// The anchor is halfway between ascent and descent.
    case middle
    /// The anchor is at the ascent line (the top of tall glyphs).
    case top
    /// The anchor is at the descent line (the bottom of descenders).
    case bottom
}

/// The ink box and advance of a string, in user units, relative to its origin on the baseline
/// (`yBearing` is negative for glyphs above the baseline).
public struct TextExtents: Equatable, Sendable {
    public var xBearing: Double
    public var yBearing: Double
    public var width: Double
    public var height: Double
    public var xAdvance: Double
    public var yAdvance: Double
}

/// Line metrics of a font, in user units: `ascent` above the baseline, `descent` below it (positive),
/// and the recommended baseline-to-baseline `lineHeight`.
public struct FontMetrics: Equatable, Sendable {
    public var ascent: Double
    public var descent: Double
    public var lineHeight: Double
}

extension Canvas {
    /// The font used by text calls. Part of the saved state.
    public var font: Font {
        get { currentFont }
        set {
            currentFont = newValue
            let slant = switch newValue.slant {
            case .normal: CAIRO_FONT_SLANT_NORMAL
            case .italic: CAIRO_FONT_SLANT_ITALIC
            case .oblique: CAIRO_FONT_SLANT_OBLIQUE
            }
            let weight = newValue.weight == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL
            cairo_select_font_face(context, newValue.family, slant, weight)
            note("cairo_select_font_face")
            cairo_set_font_size(context, newValue.size)
            note("cairo_set_font_size")
        }
    }

    /// Fixed glyph rendering (grey antialiasing, no hinting) so text looks the same whatever the local
    /// fontconfig settings, and the default font applied.
    func applyFontDefaults() {
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
        note("cairo_set_font_options")
        font = currentFont
    }

    /// Extents of `text` in the current font. Cost: a glyph lookup (cached by Cairo after first use).
    public func textExtents(_ text: String) -> TextExtents {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        note("cairo_text_extents")
        return TextExtents(xBearing: extents.x_bearing, yBearing: extents.y_bearing, width: extents.width,
                           height: extents.height, xAdvance: extents.x_advance, yAdvance: extents.y_advance)
    }

    /// Line metrics of the current font.
    public func fontMetrics() -> FontMetrics {
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        note("cairo_font_extents")
        return FontMetrics(ascent: extents.ascent, descent: extents.descent, lineHeight: extents.height)
    }

    /// Where the baseline origin of `text` goes so that it sits at `anchor` with the given alignment.
    public func textOrigin(_ text: String, at anchor: Point, alignment: TextAlignment = .left,
                           baseline: TextBaseline = .baseline) -> Point {
        var origin = anchor
        if alignment != .left {
            let ink = textExtents(text)
            origin.x -= alignment == .center ? ink.xBearing + ink.width / 2 : ink.xBearing + ink.width
        }
        if baseline != .baseline {
            let metrics = fontMetrics()
            switch baseline {
            case .middle: origin.y += (metrics.ascent - metrics.descent) / 2
            case .top: origin.y += metrics.ascent
            case .bottom: origin.y -= metrics.descent
            case .baseline: break
            }
        }
        return origin
    }

    /// Draws `text` in the current font and `color`, placed at `anchor` by `alignment` and `baseline`.
    /// On SVG/PDF canvases the glyphs stay vectors. Clears the current path.
    public func drawText(_ text: String, at anchor: Point, color: Color, alignment: TextAlignment = .left,
                         baseline: TextBaseline = .baseline) {
        let origin = textOrigin(text, at: anchor, alignment: alignment, baseline: baseline)
        setColor(color)
        newPath()
        move(to: origin)
        cairo_show_text(context, text)
        note("cairo_show_text")
        newPath()
    }

    /// Adds the outlines of `text` to the current path (to stroke a halo, then fill), placed like `drawText`.
    public func addTextPath(_ text: String, at anchor: Point, alignment: TextAlignment = .left,
                            baseline: TextBaseline = .baseline) {
        let origin = textOrigin(text, at: anchor, alignment: alignment, baseline: baseline)
        move(to: origin)
        cairo_text_path(context, text)
        note("cairo_text_path")
    }
}
