import CairoGraphics
import Charts
import Foundation
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyExperiments

/// The figures of `mazerender retarget`: aggregate curves (Charts) and per-level heat maps (MazeRendering).
enum RetargetPlots {
    /// Bins with fewer targets than this are left out of the curves (and the legend says how many).
    static let minimumBinCount = 5

    /// `probability-vs-distance` and `probability-vs-divergence`, PNG and SVG: per condition, the mean path
    /// probability of the targets in each bin with its 95 % bootstrap interval as an error bar, markers joined by a
    /// line; bins of fewer than `minimumBinCount` targets are left out, and the legend gives n and how many bins.
    static func write(_ summary: RetargetingSummary, conditions: [RetargetingCondition], levels: Int,
                      to folder: String) throws {
        let made = try OutputFolder(folder)
        let style = ChartStyle()
        func chart(_ bins: (RetargetingSummary.Condition) -> [RetargetingSummary.Bin], width: Int, title: String,
                   xLabel: String) -> ScatterPlot {
            var series: [ScatterPlot.Series] = [], curves: [ScatterPlot.Curve] = []
            for (index, condition) in summary.conditions.enumerated() {
                let all = bins(condition)
                let points = all.filter { $0.count >= minimumBinCount }
                let color = style.color(index)
                var label = condition.name
                if let magnitude = conditions.first(where: { $0.name == condition.name })?.magnitude {
                    label += " = \(BehaviourRow.text(Double(magnitude)))"
                }
                label += " (n = \(condition.count) targets"
                    + (points.count < all.count ? "; \(all.count - points.count) bins of n < \(minimumBinCount) left out)" : ")")
                series.append(ScatterPlot.Series(label: label, x: points.map(\.centre), y: points.map(\.mean),
                                                 color: color, alpha: 1,
                                                 yIntervals: points.map { (low: $0.meanInterval.lower, high: $0.meanInterval.upper) }))
                curves.append(ScatterPlot.Curve(points: points.map { (x: $0.centre, y: $0.mean) }, color: color))
            }
            let binning = width == 1 ? "" : " (bins of \(width))"
            return ScatterPlot(series: series, curves: curves, title: "\(title) (\(levels) levels)",
                               xLabel: xLabel + binning, yLabel: "mean path probability (bars: 95 % bootstrap interval)",
                               yRange: 0...1)
        }
        let plots = [
            ("probability-vs-distance",
             chart(\.byDistance, width: summary.distanceBinWidth, title: "Retargeting: success against distance",
                   xLabel: "squares on the path from the start (d_to_coord)")),
            ("probability-vs-divergence",
             chart(\.byDivergence, width: summary.divergenceBinWidth,
                   title: "Retargeting: success against divergence",
                   xLabel: "path squares off the path to the top-right square")),
        ]
        for (name, plot) in plots {
            for ext in ["png", "svg"] { try plot.write(to: "\(folder)/\(name).\(ext)", width: 720, height: 500) }
        }
        made.keep()
    }

    /// One PNG per level: a panel per condition, target squares red with opacity 0.9 · probability.
    static func writeHeatmaps(_ levels: [RetargetingLevel], sprites: MazeSprites, to folder: String) throws {
        guard !levels.isEmpty else { return }
        let made = try OutputFolder(folder)
        let renderer = FigureRenderer(sprites: sprites)
        for level in levels {
            let panels = level.conditions.enumerated().map { c, condition -> FigurePanel in
                let cells = zip(level.targets, level.probabilities[c]).map { (cell: $0.square, probability: $1) }
                let mean = level.probabilities[c].reduce(0, +) / Double(max(1, level.probabilities[c].count))
                var title = condition.name
                if let magnitude = condition.magnitude { title += " = \(BehaviourRow.text(Double(magnitude)))" }
                return FigurePanel(maze: level.maze, view: MazeViewOptions(showMouse: true),
                                   layers: [.cellProbabilities(cells, maxAlpha: 0.9)], title: title,
                                   label: String(format: "mean %.3f", mean))
            }
            let figure = Figure(panels: panels, panelSize: 300,
                                title: "seed \(level.seed): P(shortest path to each square)",
                                caption: "red opacity = geometric-mean probability of the path's steps (0 to 1)")
            try renderer.render(figure, format: .png).write(to: "\(folder)/seed-\(level.seed).png")
        }
        made.keep()
    }
}
