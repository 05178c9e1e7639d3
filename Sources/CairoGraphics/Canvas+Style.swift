import CCairo

/// How stroke ends look.
public enum LineCap: Sendable {
    case butt, round, square
}

/// How stroke corners look.
public enum LineJoin: Sendable {
    case miter, round, bevel
}

/// Which regions of a self-intersecting path are inside.
public enum FillRule: Sendable {
    case winding, evenOdd
}

extension Canvas {
    /// Stroke width in user units (default 2). Part of the saved state.
    public var lineWidth: Double {
        get { cairo_get_line_width(context) }
        set {
            cairo_set_line_width(context, newValue)
            note("cairo_set_line_width")
        }
    }

    /// Stroke end style (default `.butt`).
    public var lineCap: LineCap {
        get {
            switch cairo_get_line_cap(context) {
            case CAIRO_LINE_CAP_ROUND: .round
            case CAIRO_LINE_CAP_SQUARE: .square
            default: .butt
            }
        }
        set {
            let cap = switch newValue {
            case .butt: CAIRO_LINE_CAP_BUTT
            case .round: CAIRO_LINE_CAP_ROUND
            case .square: CAIRO_LINE_CAP_SQUARE
            }
            cairo_set_line_cap(context, cap)
            note("cairo_set_line_cap")
        }
    }

    /// Stroke corner style (default `.miter`).
    public var lineJoin: LineJoin {
        get {
            switch cairo_get_line_join(context) {
            case CAIRO_LINE_JOIN_ROUND: .round
            case CAIRO_LINE_JOIN_BEVEL: .bevel
            default: .miter
            }
        }
        set {
            let join = switch newValue {
            case .miter: CAIRO_LINE_JOIN_MITER
            case .round: CAIRO_LINE_JOIN_ROUND
            case .bevel: CAIRO_LINE_JOIN_BEVEL
            }
            cairo_set_line_join(context, join)
            note("cairo_set_line_join")
        }
    }

    /// Inside test for `fill()` and `clip()` (default `.winding`).
    public var fillRule: FillRule {
        get { cairo_get_fill_rule(context) == CAIRO_FILL_RULE_EVEN_ODD ? .evenOdd : .winding }
        set {
            cairo_set_fill_rule(context, newValue == .evenOdd ? CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING)
            note("cairo_set_fill_rule")
        }
    }

    /// Whether shapes are antialiased (default true). Turn off for pixel-exact grids on image canvases.
    public var antialias: Bool {
        get { cairo_get_antialias(context) != CAIRO_ANTIALIAS_NONE }
        set {
            cairo_set_antialias(context, newValue ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE)
            note("cairo_set_antialias")
        }
    }

    /// Dashed strokes: alternating on/off lengths in user units, starting `phase` units into the pattern.
    /// An empty pattern turns dashing off; negative lengths or an all-zero pattern latch `.invalidDash`.
    public func setDash(_ pattern: [Double], phase: Double = 0) {
        pattern.withUnsafeBufferPointer { buffer in
            cairo_set_dash(context, buffer.baseAddress, Int32(buffer.count), phase)
        }
        note("cairo_set_dash")
    }
}
