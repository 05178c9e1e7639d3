import CairoGraphics
import Charts
import Foundation

/// The chart under an animation over models: P(reached the cheese) in distribution (with its 95 % Wilson
/// interval) and the decision square's mean P(toward cheese), each a line grown up to the current model, which
/// is marked by a vertical line and ringed dots. Both axes are fixed for the whole video: x over every model,
/// y over 0...1.
struct ModelSeriesChart {
    let numbers: ModelSeriesNumbers
    let style: ChartStyle
    let xRange: ClosedRange<Double>
    let xTicks: AxisTicks?
    /// One line per model: its success rate with its interval and its decision-square probability.
    let notes: [String]

    static let title = "in-distribution success and decision square, model by model"
    static let successLabel = "P(reached cheese), in distribution (bars: 95 % Wilson)"
    static let squareLabel = "decision square: P(toward cheese), mean over the seeds"

    init(numbers: ModelSeriesNumbers) {
        self.numbers = numbers
        var style = ChartStyle()
        style.fontSize = 11
        style.titleSize = 12
        self.style = style
        let xs = numbers.models.map(\.x)
        if let low = xs.min(), let high = xs.max(), low < high {
            let margin = 0.05 * (high - low)
            xRange = (low - margin)...(high + margin)
        } else {
            xRange = ((xs.first ?? 0) - 1)...((xs.first ?? 0) + 1)
        }
        // Whole models on an index axis; a number axis keeps the ticks the plot picks.
        xTicks = numbers.xFromNames ? nil : AxisTicks(lower: xRange.lowerBound, upper: xRange.upperBound, integer: true)
        notes = numbers.models.map { model in
            let square = model.meanTowardCheese.map { String(format: "%.3f", $0) } ?? "n/a (no decision square on the seeds)"
            return String(format: "%@: in distribution reached %d/%d = %.3f [%.3f, %.3f]; decision square P(toward cheese) %@",
                          model.entry.name, model.reached, model.levels, model.success.estimate, model.success.lower,
                          model.success.upper, square)
        }
    }

    /// The plot with the models `0...index` drawn; models after it are laid out invisibly, so that the legend
    /// keeps its place in every frame.
    func plot(upTo index: Int) -> ScatterPlot {
        var plot = ScatterPlot(title: Self.title, xLabel: numbers.xLabel, yLabel: "probability", xRange: xRange, yRange: 0...1)
        plot.xTicks = xTicks
        let all = numbers.models, shown = Array(all[...index])
        let success = style.color(0), square = style.color(1)
        func squarePoints(_ models: [ModelSeriesNumbers.Model]) -> [(x: Double, y: Double)] {
            models.compactMap { model in model.meanTowardCheese.map { (x: model.x, y: $0) } }
        }
        plot.series.append(.init(x: all.map(\.x), y: all.map(\.success.estimate), color: success, alpha: 0))
        plot.series.append(.init(x: squarePoints(all).map(\.x), y: squarePoints(all).map(\.y), color: square, alpha: 0))
        plot.series.append(.init(x: shown.map(\.x), y: shown.map(\.success.estimate), color: success, alpha: 1,
                                 yIntervals: shown.map { (low: $0.success.lower, high: $0.success.upper) }))
        plot.series.append(.init(x: squarePoints(shown).map(\.x), y: squarePoints(shown).map(\.y), color: square, alpha: 1))
        plot.curves.append(.init(label: Self.successLabel, points: shown.map { (x: $0.x, y: $0.success.estimate) }, color: success))
        plot.curves.append(.init(label: Self.squareLabel, points: squarePoints(shown), color: square))
        return plot
    }

    /// Draws the chart grown to model `index` in `rect`, then marks that model (axes laid out as the plot lays
    /// them out).
    func draw(upTo index: Int, on canvas: Canvas, in rect: Rect) {
        let plot = plot(upTo: index)
        plot.draw(on: canvas, in: rect, style: style)
        let axes = Axes(title: plot.title, x: Axis(label: plot.xLabel, range: xRange, ticks: xTicks),
                        y: Axis(label: plot.yLabel, range: 0...1))
        let frame = axes.layout(on: canvas, in: rect, style: style)
        let model = numbers.models[index]
        canvas.newPath()
        canvas.move(to: frame.point(x: model.x, y: 0))
        canvas.line(to: frame.point(x: model.x, y: 1))
        canvas.stroke(Color(white: 0.35), lineWidth: 1.5)
        // The current model's interval again, over the marker line.
        if model.success.lower.isFinite, model.success.upper.isFinite {
            let low = frame.point(x: model.x, y: model.success.lower), high = frame.point(x: model.x, y: model.success.upper)
            let cap = style.fontSize * 0.25
            canvas.newPath()
            canvas.move(to: low)
            canvas.line(to: high)
            for end in [low, high] {
                canvas.move(to: Point(x: end.x - cap, y: end.y))
                canvas.line(to: Point(x: end.x + cap, y: end.y))
            }
            canvas.stroke(style.color(0), lineWidth: style.lineWidth)
        }
        let points = [(model.success.estimate, style.color(0))] + (model.meanTowardCheese.map { [($0, style.color(1))] } ?? [])
        for (y, color) in points where y.isFinite {
            canvas.newPath()
            canvas.addCircle(center: frame.point(x: model.x, y: y), radius: 6)
            canvas.stroke(color, lineWidth: 2)
        }
    }
}
