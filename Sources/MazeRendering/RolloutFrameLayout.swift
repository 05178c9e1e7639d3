import CairoGraphics

/// Where everything of a rollout video frame goes, in px: a title banner across the top, then a grid of seed
/// groups; each group is one seed's variants side by side, and each panel has a caption above it and a bar
/// chart of the 5 action probabilities below it.
///
/// ```
/// ┌──────────────────── banner ─────────────────────┐
/// │ caption          caption      ┆ caption   ...   │
/// │ ┌──────────┐    ┌──────────┐  ┆ ┌──────────┐    │
/// │ │  panel   │    │  panel   │  ┆ │  panel   │    │   one group per seed,
/// │ └──────────┘    └──────────┘  ┆ └──────────┘    │   `groupColumns` x `groupRows`
/// │  ▁ █ ▁ ▁ ▁       ▁ ▁ █ ▁ ▁    ┆  chart          │
/// └─────────────────────────────────────────────────┘
/// ```
/// All sizes scale with `panelSide`; the frame's width and height are even (for YUV 4:2:0 video) and every
/// panel starts on a whole pixel, so cached maze images are copied without resampling.
public struct RolloutFrameLayout: Hashable, Sendable {
    /// Side of one square maze panel in px.
    public let panelSide: Int
    /// Panels per seed group (the variants).
    public let variantsPerGroup: Int
    /// Seed groups across and down.
    public let groupColumns: Int, groupRows: Int

    /// Outer margin and gap between panels of one group.
    public let margin: Int
    /// Extra space between seed groups (a divider line runs through it).
    public let groupGap: Int
    public let bannerHeight: Int
    public let captionHeight: Int
    public let chartHeight: Int

    /// Frame size in px (both even).
    public let width: Int, height: Int

    /// - Parameters:
    ///   - panelSide: maze panel side in px, at least 64.
    ///   - variants: panels per seed group, at least 1.
    ///   - groupColumns: seed groups across the frame, at least 1.
    ///   - groupRows: seed groups down the frame, at least 1 (1 x 1 shows one seed at a time).
    public init(panelSide: Int, variants: Int, groupColumns: Int = 1, groupRows: Int = 1) {
        precondition(panelSide >= 64 && variants >= 1 && groupColumns >= 1 && groupRows >= 1,
                     "RolloutFrameLayout: panel side \(panelSide) < 64 or an empty grid")
        self.panelSide = panelSide
        variantsPerGroup = variants
        self.groupColumns = groupColumns
        self.groupRows = groupRows
        let unit = Double(panelSide)
        margin = max(6, Int((unit * 0.03).rounded()))
        groupGap = groupColumns * groupRows > 1 ? 2 * margin : 0
        bannerHeight = max(24, Int((unit * 0.085).rounded()))
        captionHeight = max(18, Int((unit * 0.065).rounded()))
        chartHeight = max(40, Int((unit * 0.2).rounded()))
        let groupWidth = variants * panelSide + (variants - 1) * margin
        let rawWidth = 2 * margin + groupColumns * groupWidth + (groupColumns - 1) * (margin + groupGap)
        let groupHeight = captionHeight + panelSide + chartHeight
        let rawHeight = bannerHeight + margin + groupRows * groupHeight + (groupRows - 1) * (margin + groupGap) + margin
        width = rawWidth + rawWidth % 2
        height = rawHeight + rawHeight % 2
    }

    /// Seed groups per frame.
    public var groupsPerFrame: Int { groupColumns * groupRows }

    /// The banner across the top of the frame.
    public var bannerRect: Rect { Rect(x: 0, y: 0, width: Double(width), height: Double(bannerHeight)) }

    /// The whole area of seed group `group` (row-major: 0 is top left), caption to chart.
    public func groupRect(_ group: Int) -> Rect {
        let column = group % groupColumns, row = group / groupColumns
        let groupWidth = variantsPerGroup * panelSide + (variantsPerGroup - 1) * margin
        let groupHeight = captionHeight + panelSide + chartHeight
        return Rect(x: Double(margin + column * (groupWidth + margin + groupGap)),
                    y: Double(bannerHeight + margin + row * (groupHeight + margin + groupGap)),
                    width: Double(groupWidth), height: Double(groupHeight))
    }

    /// The maze panel of variant `variant` in seed group `group`.
    public func panelRect(group: Int, variant: Int) -> Rect {
        let area = groupRect(group)
        return Rect(x: area.x + Double(variant * (panelSide + margin)), y: area.y + Double(captionHeight),
                    width: Double(panelSide), height: Double(panelSide))
    }

    /// The caption strip above a panel.
    public func captionRect(group: Int, variant: Int) -> Rect {
        let panel = panelRect(group: group, variant: variant)
        return Rect(x: panel.x, y: panel.y - Double(captionHeight), width: panel.width, height: Double(captionHeight))
    }

    /// The bar chart below a panel.
    public func chartRect(group: Int, variant: Int) -> Rect {
        let panel = panelRect(group: group, variant: variant)
        return Rect(x: panel.x, y: panel.maxY, width: panel.width, height: Double(chartHeight))
    }

    /// Everything panel (`group`, `variant`) draws, caption to chart, and half the gap around it (a whole number
    /// of pixels): no other panel, divider or banner reaches into it, so it can be repainted on its own.
    public func slotRect(group: Int, variant: Int) -> Rect {
        let panel = panelRect(group: group, variant: variant), half = Double(margin / 2)
        return Rect(x: panel.x - half, y: panel.y - Double(captionHeight) - half, width: panel.width + 2 * half,
                    height: Double(captionHeight) + panel.height + Double(chartHeight) + 2 * half)
    }

    /// Vertical divider positions between group columns and horizontal ones between group rows (frame px).
    var dividers: (vertical: [Double], horizontal: [Double]) {
        guard groupsPerFrame > 1 else { return ([], []) }
        let vertical = (1..<max(1, groupColumns)).map { groupRect($0).x - Double(margin + groupGap) / 2 }
        let horizontal = (1..<max(1, groupRows)).map { groupRect($0 * groupColumns).y - Double(margin + groupGap) / 2 }
        return (vertical, horizontal)
    }
}
