import CairoGraphics
import Charts
import Testing

/// Renders charts to SVG and reads back what the drawing means: bars, boxes, cells and text.
@Suite("Charts as SVG")
struct SVGChartTests {
    /// matplotlib's tab:blue and tab:orange as Cairo writes them in SVG styles.
    static let blue = "12.156863%,46.666667%,70.588235%"
    static let orange = "100%,49.803922%,5.490196%"
    let font = ChartStyle().font

    private func svg(_ chart: some Chart, width: Double = 640, height: Double = 480) throws -> SVGReading {
        let canvas = try chart.render(format: .svg, width: width, height: height)
        return try #require(SVGReading.parse(try canvas.finish()))
    }

    @Test func histogramHasOneBarPerNonEmptyBinWithHeightsProportionalToCounts() throws {
        let values = [0.5, 1, 1.5, 2.2, 2.4, 2.6, 2.8, 5.1, 5.5, 9.9, 3.1, 3.3, 3.5, 3.7, 3.9, 3.0]
        let chart = try Histogram(values: values, binning: .edges([0, 2, 4, 6, 8, 10]), title: "Steps",
                                  xLabel: "steps", yLabel: "seeds")
        #expect(chart.bins.counts == [3, 10, 2, 0, 1])
        let reading = try svg(chart)
        let bars = reading.shapes.filter { $0.fill == Self.blue }
        #expect(bars.count == 4)   // the empty bin draws nothing
        let nonEmpty = chart.bins.counts.filter { $0 > 0 }
        let heights = bars.sorted { $0.bounds.minX < $1.bounds.minX }.map(\.bounds.height)
        let perCount = heights[0] / Double(nonEmpty[0])
        for (height, count) in zip(heights, nonEmpty) {
            #expect(abs(height - perCount * Double(count)) < 0.01)   // Cairo's 1/256 fixed point
        }
        // Bars stand on a common baseline and are equally wide (equal-width bins).
        let bottoms = bars.map(\.bounds.maxY), widths = bars.map(\.bounds.width)
        #expect((bottoms.max() ?? 0) - (bottoms.min() ?? 0) < 0.01)
        #expect((widths.max() ?? 0) - (widths.min() ?? 0) < 0.01)
        let texts = try reading.texts(font: font)
        for label in ["0", "2", "4", "6", "8", "10", "steps"] { #expect(texts.contains(label), "\(label) in \(texts)") }
        // y tick labels: integers from 0 counting up in equal steps.
        let numbers = texts.compactMap { Int($0) }
        #expect(numbers.contains(0) && numbers.contains(10))
    }

    @Test func boxPlotDrawsOneMedianPerGroupAtTheMedian() throws {
        let chart = BoxPlot(groups: [("unpatched", [1, 2, 3, 4, 5, 6, 7, 100]), ("−1", [2.5, 3.1, 4.7, 5.0, 5.2, 5.9, 6.3, 7.7, 8.1, 19.4, -6.0]),
                                     ("empty", [])],
                            title: "P(cheese)", xLabel: "coefficient", yLabel: "P")
        let reading = try svg(chart)
        let medians = reading.shapes.filter { $0.stroke == Self.orange }
        #expect(medians.count == 2)
        let texts = try reading.texts(font: font)
        for label in ["unpatched", "−1", "empty", "coefficient"] { #expect(texts.contains(label), "\(label) in \(texts)") }
        // Outliers: one open circle per value beyond the whiskers (100; -6 and 19.4), as subpaths of the
        // black outlier strokes.
        let circles = reading.shapes.filter { $0.stroke == "0%,0%,0%" && $0.data.contains(" C ") }
        #expect(circles.reduce(0) { $0 + $1.closedSubpaths } == 3)
        // Each median sits inside its box: between the y of Q1 and Q3 in proportion.
        // A box is one closed rectangle plus whiskers and caps (4 more moves) in one black stroke.
        let boxes = reading.shapes.filter { $0.stroke == "0%,0%,0%" && $0.closedSubpaths == 1 && $0.moves >= 5 && !$0.data.contains(" C ") }
        #expect(boxes.count == 2)
        for (median, box) in zip(medians.sorted { $0.bounds.minX < $1.bounds.minX }, boxes.sorted { $0.bounds.minX < $1.bounds.minX }) {
            #expect(median.bounds.minY > box.bounds.minY && median.bounds.minY < box.bounds.maxY)
        }
    }

    @Test func heatMapHasRowsTimesColumnsSquareCellsAndLabels() throws {
        let names = ["a_metric", "b", "cheese_dist"]
        let values: [[Double]] = [[1, 0.25, -0.5], [0.25, 1, 0.125], [-0.5, 0.125, 1], [0, 0, 0.9]]
        let chart = try HeatMap(values: values, rowNames: names + ["d"], columnNames: names, title: "Correlation",
                                range: -1...1, cellLabelDecimals: 2)
        let reading = try svg(chart)
        // Cells are the filled squares at least 20 units wide (colour-bar slices are flat).
        let cells = reading.shapes.filter { $0.fill != nil && $0.stroke == nil }.map(\.bounds)
            .filter { $0.width > 20 && abs($0.width - $0.height) < 0.01 }
        #expect(cells.count == 4 * 3)
        #expect(Set(cells.map { $0.minY.rounded() }).count == 4)
        #expect(Set(cells.map { $0.minX.rounded() }).count == 3)
        let texts = try reading.texts(font: font)
        for label in ["a_metric", "d", "1.00", "0.25", "−0.50", "0.13", "0.00", "0.90"] {
            #expect(texts.contains(label), "\(label) in \(texts)")
        }
        // Colour-bar ticks for -1...1.
        for label in ["−1.0", "−0.5", "0.0", "0.5", "1.0"] { #expect(texts.contains(label), "\(label) in \(texts)") }
    }

    @Test func scatterDrawsEveryPointTheCurveAndALegend() throws {
        let x = (0..<50).map { Double($0) / 5 }
        let y = x.map { 2 * $0 + 1 }
        let chart = ScatterPlot(series: [.init(label: "seeds", x: x + [.nan], y: y + [1])],
                                curves: [.init(label: "fit", function: { 2 * $0 + 1 }),
                                         .init(label: "steps", points: [(0, 0), (5, 10), (10, 0)])],
                                xLabel: "distance", yLabel: "P")
        let reading = try svg(chart)
        let markers = try #require(reading.shapes.first { $0.fill == Self.blue })
        #expect(markers.closedSubpaths == 50)   // the pair with a NaN is skipped
        #expect(reading.shapes.contains { $0.stroke == Self.orange && $0.fill == nil })
        let texts = try reading.texts(font: font)
        for label in ["seeds", "fit", "steps", "distance"] { #expect(texts.contains(label), "\(label) in \(texts)") }
    }

    @Test func sameChartGivesIdenticalSVG() throws {
        func bytes() throws -> [UInt8] { try Samples.boxPlot().render(format: .svg).finish() }
        #expect(try bytes() == bytes())
    }
}
