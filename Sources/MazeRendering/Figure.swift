import CairoGraphics
import MazeSimulation
import PolicyAnalysis

/// Something drawn over a panel's maze view, in the order listed.
public enum PanelLayer: Sendable {
    /// White net arrows of a vector field.
    case netArrows(VectorField, color: Color)
    /// Four per-action arrows per cell.
    case componentArrows(VectorField, color: Color)
    /// Patched − original net arrows (lime).
    case diffArrows(VectorFieldDiff, color: Color)
    /// Uniform arrows along a path (most-probable path).
    case pathArrows([MazePoint], color: Color)
    /// Each cell filled with `color` at opacity `maxAlpha · p` (path probabilities).
    case cellProbabilities([(cell: MazePoint, probability: Double)], maxAlpha: Double)
    /// A channel heat map over the whole world.
    case channel(ChannelMap, colorMap: DivergingColorMap, limit: Double, opacity: Double)
    /// Dots on maze cells (decision square, other cheese locations).
    case cellDots([MazePoint], color: Color)
    /// Dots on channel-map cells (row from the top, column) of a `mapSize`² map: retargeting targets.
    case channelDots([(row: Int, column: Int)], mapSize: Int, color: Color)
    /// The outline of the top-right `size` x `size` region.
    case topRightRegion(size: Int, color: Color)
}

/// A colour bar to the right of a panel.
public struct ColorBarSpec: Sendable, Hashable {
    public var colorMap: DivergingColorMap
    public var limit: Double
    public var title: String?
    /// Values the panel shows above `limit` and below `-limit` (drawn in the end colours): a fixed scale clips
    /// them, and the bar says so with an arrow at that end and the count.
    public var clippedAbove: Int
    public var clippedBelow: Int
    public init(colorMap: DivergingColorMap, limit: Double, title: String? = nil, clippedAbove: Int = 0, clippedBelow: Int = 0) {
        self.colorMap = colorMap
        self.limit = limit
        self.title = title
        self.clippedAbove = clippedAbove
        self.clippedBelow = clippedBelow
    }

    /// `values` counted against `limit`: how many a bar of that range clips at each end.
    public static func clipping(of values: [Float], limit: Double) -> (above: Int, below: Int) {
        var above = 0, below = 0
        for value in values {
            if Double(value) > limit { above += 1 } else if Double(value) < -limit { below += 1 }
        }
        return (above, below)
    }
}

/// One panel: a maze view, layers over it, an optional title above and label below (either may hold `\n`).
public struct FigurePanel: Sendable {
    public var maze: MazeState
    public var view: MazeViewOptions
    public var layers: [PanelLayer]
    public var title: String?
    public var label: String?
    public var colorBar: ColorBarSpec?

    public init(maze: MazeState, view: MazeViewOptions = MazeViewOptions(), layers: [PanelLayer] = [],
                title: String? = nil, label: String? = nil, colorBar: ColorBarSpec? = nil) {
        self.maze = maze
        self.view = view
        self.layers = layers
        self.title = title
        self.label = label
        self.colorBar = colorBar
    }
}

/// A figure of square panels on a grid (row-major), on white, with an optional title above and caption below.
public struct Figure: Sendable {
    public var panels: [FigurePanel]
    /// Panels per row; default all in one row.
    public var columns: Int?
    /// Side of each maze view in user units (px for PNG/SVG, pt for PDF).
    public var panelSize: Double
    /// The suptitle (`fig.suptitle(..., fontsize=20)`).
    public var title: String?
    /// Text under the panels (e.g. the average change in action probability).
    public var caption: String?

    public init(panels: [FigurePanel], columns: Int? = nil, panelSize: Double = 400, title: String? = nil,
                caption: String? = nil) {
        self.panels = panels
        self.columns = columns
        self.panelSize = panelSize
        self.title = title
        self.caption = caption
    }
}
