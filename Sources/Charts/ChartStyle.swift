import CairoGraphics

/// Sizes, fonts and colours shared by every chart, modelled on matplotlib's defaults at 100 dpi
/// (10 pt DejaVu Sans ≈ 13 px, 0.8 pt spines, 3.5 pt outward ticks, the `tab10` colour cycle).
/// All lengths are user units of the canvas: px for PNG and SVG, pt for PDF.
public struct ChartStyle: Sendable {
    /// Font family for all text; DejaVu Sans comes from `fonts-dejavu-core`.
    public var fontFamily = "DejaVu Sans"
    /// Tick labels, axis labels and legend entries.
    public var fontSize = 13.0
    /// The title above the axes.
    public var titleSize = 16.0
    /// Spines (the frame around the plot) and tick marks.
    public var lineWidth = 1.1
    /// Tick marks point outwards this far.
    public var tickLength = 5.0
    /// Gap between a tick and its label, and between the other text blocks.
    public var padding = 5.0
    /// Empty border around the whole chart.
    public var outerMargin = 10.0
    /// Canvas background (painted before drawing).
    public var background = Color.white
    public var foreground = Color(white: 0.0)
    /// Colours for successive series: matplotlib's `tab10`.
    public var palette: [Color] = [
        Color(hex: 0x1F77B4), Color(hex: 0xFF7F0E), Color(hex: 0x2CA02C), Color(hex: 0xD62728),
        Color(hex: 0x9467BD), Color(hex: 0x8C564B), Color(hex: 0xE377C2), Color(hex: 0x7F7F7F),
        Color(hex: 0xBCBD22), Color(hex: 0x17BECF),
    ]
    /// Light grid lines at the major ticks (matplotlib's default is off).
    public var grid = false
    public var gridColor = Color(white: 0.88)

    public init() {}

    /// Every length and font size multiplied by `factor` (e.g. 2 for a high-resolution PNG).
    public func scaled(by factor: Double) -> ChartStyle {
        var copy = self
        copy.fontSize *= factor
        copy.titleSize *= factor
        copy.lineWidth *= factor
        copy.tickLength *= factor
        copy.padding *= factor
        copy.outerMargin *= factor
        return copy
    }

    /// The `index`-th palette colour, cycling.
    public func color(_ index: Int) -> Color {
        palette.isEmpty ? foreground : palette[((index % palette.count) + palette.count) % palette.count]
    }

    /// The font of tick labels, axis labels and legends.
    public var font: Font { Font(family: fontFamily, size: fontSize) }
    /// The font of titles.
    public var titleFont: Font { Font(family: fontFamily, size: titleSize) }
}

/// A chart that draws itself into a rectangle of a canvas.
public protocol Chart {
    /// Draws the whole chart (axes, data, labels, legend) inside `rect`, in `style`.
    /// Does not paint the background outside what the chart covers.
    func draw(on canvas: Canvas, in rect: Rect, style: ChartStyle)
}

extension Chart {
    /// A new canvas of `width` x `height` (px for PNG/SVG, pt for PDF) with the background painted and the
    /// chart drawn over all of it. Throws `CairoError` when the canvas cannot be made.
    public func render(format: OutputFormat, width: Double = 640, height: Double = 480,
                       style: ChartStyle = ChartStyle()) throws -> Canvas {
        let canvas = try Canvas(format: format, width: width, height: height)
        canvas.paint(style.background)
        draw(on: canvas, in: Rect(x: 0, y: 0, width: width, height: height), style: style)
        try canvas.checkStatus()
        return canvas
    }

    /// Renders the chart and writes it to `path` as PNG, SVG or PDF (by the extension) through
    /// `Canvas.write(to:)`: a temporary file renamed into place. Throws `OutputFormatError`,
    /// `CairoError` or `OutputFileError`.
    /// With `metadata` (key-value text, e.g. `Provenance.entries`), the file carries it as
    /// `Canvas.write(to:metadata:)` describes (PNG text chunks, SVG `<metadata>`, PDF document information).
    public func write(to path: String, width: Double = 640, height: Double = 480,
                      style: ChartStyle = ChartStyle(), metadata: [(key: String, value: String)] = []) throws {
        let format = try OutputFormat.forWriting(to: path)
        try render(format: format, width: width, height: height, style: style).write(to: path, metadata: metadata)
    }
}
