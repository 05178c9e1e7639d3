import CairoGraphics
import Charts
import Foundation
import Testing

/// Deterministic pseudo-random values (a linear congruential generator and Box–Muller) for sample data.
struct SampleRandom {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func normal(mean: Double = 0, sd: Double = 1) -> Double {
        let u = Swift.max(uniform(), 1e-12), v = uniform()
        return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

enum Samples {
    static func histogram() throws -> Histogram {
        var random = SampleRandom(state: 1)
        let steps = (0..<2000).map { _ in Swift.max(0, random.normal(mean: 40, sd: 12)) }
        return try Histogram(values: steps, binning: .count(30), title: "Steps to the cheese", xLabel: "steps",
                             yLabel: "seeds", label: "argmax policy")
    }
    static func boxPlot() -> BoxPlot {
        var random = SampleRandom(state: 2)
        let groups = [("unpatched", 0.62), ("−0.5", 0.5), ("−1", 0.35), ("−2", 0.2)].map { name, center in
            (label: name, values: (0..<300).map { _ in Swift.min(1, Swift.max(0, random.normal(mean: center, sd: 0.12))) })
        }
        return BoxPlot(groups: groups, title: "P(cheese) at the decision square", xLabel: "cheese vector coefficient",
                       yLabel: "P(cheese)")
    }
    static func scatter() -> ScatterPlot {
        var random = SampleRandom(state: 3)
        let x = (0..<400).map { _ in random.uniform() * 20 }
        let y = x.map { 1 / (1 + exp(-(2 - 0.3 * $0))) + random.normal(sd: 0.08) }
        return ScatterPlot(series: [.init(label: "seeds", x: x, y: y)],
                           curves: [.init(label: "logistic fit", function: { 1 / (1 + exp(-(2 - 0.3 * $0))) })],
                           title: "P(cheese) against distance", xLabel: "Euclidean distance cheese to decision square",
                           yLabel: "P(cheese)")
    }
    static let metricNames = ["dist_cheese_decision_square", "euc_dist_cheese_top_right", "steps_between", "cheese_coord_norm", "taxi_dist"]
    static func heatMap() throws -> HeatMap {
        let n = metricNames.count
        var matrix: [[Double]] = []
        for i in 0..<n {
            var row: [Double] = []
            for j in 0..<n {
                let angle = Double(i * 7 + j * 7 + i * j)
                row.append(i == j ? 1.0 : cos(angle) * 0.9)
            }
            matrix.append(row)
        }
        return try HeatMap(values: matrix, rowNames: metricNames, columnNames: metricNames,
                           title: "Correlation of maze metrics", range: -1...1, cellLabelDecimals: 2,
                           colorBarLabel: "Pearson r")
    }
}

@Suite("Sample charts")
struct SampleTests {
    /// Writes one PNG, SVG and PDF of each chart kind into `CHARTS_SAMPLES_DIR` (or a scratch folder that
    /// is removed again), and checks each file came out with the asked size.
    @Test func everyKindRendersInEveryFormat() throws {
        let keep = ProcessInfo.processInfo.environment["CHARTS_SAMPLES_DIR"]
        let dir = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("ChartsTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let charts: [(String, any Chart)] = [("histogram", try Samples.histogram()), ("boxplot", Samples.boxPlot()),
                                             ("scatter", Samples.scatter()), ("heatmap", try Samples.heatMap())]
        for (name, chart) in charts {
            for format in OutputFormat.allCases {
                let path = "\(dir)/\(name).\(format.rawValue)"
                let size = name == "heatmap" ? (800.0, 700.0) : (640.0, 480.0)
                try chart.write(to: path, width: size.0, height: size.1)
                #expect(FileManager.default.fileExists(atPath: path))
            }
        }
    }
}

extension SampleTests {
    /// Edge cases written beside the samples when `CHARTS_SAMPLES_DIR` is set: a tiny-valued scatter with
    /// `×10ⁿ` factors, a constant histogram, many long box labels.
    @Test func edgeCasesRender() throws {
        let dir = ProcessInfo.processInfo.environment["CHARTS_SAMPLES_DIR"]
        let tiny = ScatterPlot(series: [.init(x: [0, 1e-7, 2e-7, 3e-7], y: [1e6, 2e6, 3.5e6, 2.5e6])],
                               curves: [.init(points: [(x: 0, y: 1e6), (x: 3e-7, y: 3e6)])],
                               title: "Tiny x, huge y", xLabel: "x", yLabel: "y")
        let constant = try Histogram(values: [5, 5, 5, 5], binning: .count(10), title: "Constant", xLabel: "value")
        let names = ["unpatched", "coefficient −0.25", "coefficient −0.5", "coefficient −1", "coefficient −2", "coefficient −4"]
        let boxes = BoxPlot(groups: names.enumerated().map { (label: $1, values: [Double($0), Double($0) + 1, 2, 3]) },
                            title: "Long labels", yLabel: "P")
        for (name, chart) in [("tiny", tiny as any Chart), ("constant", constant), ("longlabels", boxes)] {
            let canvas = try chart.render(format: .png)
            if let dir { try canvas.write(to: "\(dir)/edge-\(name).png") }
        }
    }
}
