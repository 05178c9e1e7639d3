import Charts
import Testing

/// Expected numbers computed once with numpy 2.4 (`np.percentile(x, [25, 50, 75])`, `np.quantile`,
/// `np.histogram`) and matplotlib's whisker rule from `cbook.boxplot_stats` (whis=1.5), written here as literals.
@Suite("Box-plot and histogram statistics")
struct StatisticsTests {
    @Test func boxStatisticsMatchNumpyAndMatplotlib() throws {
        let values = [2.5, 3.1, 4.7, 5.0, 5.2, 5.9, 6.3, 7.7, 8.1, 19.4, -6.0]
        let stats = try #require(BoxStatistics(values: values))
        #expect(stats.count == 11)
        #expect(stats.firstQuartile == 3.9000000000000004)
        #expect(stats.median == 5.2)
        #expect(stats.thirdQuartile == 7.0)
        #expect(stats.lowerWhisker == 2.5)
        #expect(stats.upperWhisker == 8.1)
        #expect(stats.outliers == [-6.0, 19.4])
        #expect(abs(stats.mean - 5.627272727272728) < 1e-12)
    }

    @Test func evenCountAndOneOutlier() throws {
        let four = try #require(BoxStatistics(values: [0.4, 0.1, 0.3, 0.2]))
        #expect(four.firstQuartile == 0.17500000000000002)
        #expect(four.median == 0.25)
        #expect(four.thirdQuartile == 0.325)
        #expect(four.lowerWhisker == 0.1 && four.upperWhisker == 0.4 && four.outliers.isEmpty)
        let skewed = try #require(BoxStatistics(values: [1, 2, 3, 4, 5, 6, 7, 100]))
        #expect(skewed.firstQuartile == 2.75 && skewed.median == 4.5 && skewed.thirdQuartile == 6.25)
        #expect(skewed.lowerWhisker == 1 && skewed.upperWhisker == 7 && skewed.outliers == [100])
    }

    @Test func singleValueAndNoValues() throws {
        let one = try #require(BoxStatistics(values: [42]))
        #expect([one.firstQuartile, one.median, one.thirdQuartile, one.lowerWhisker, one.upperWhisker] == [42, 42, 42, 42, 42])
        #expect(BoxStatistics(values: []) == nil)
        #expect(BoxStatistics(values: [.nan, .infinity]) == nil)
        #expect(BoxStatistics(values: [1, .nan, 3])?.median == 2)   // non-finite values are dropped
    }

    @Test func quantilesMatchNumpyLinear() {
        let sorted = [0.1, 0.2, 0.35, 0.7, 0.9]
        // np.quantile(x, [0.1, 0.33, 0.5, 0.9]) -> [0.14, 0.248, 0.35, 0.8200000000000001]
        #expect(linearQuantile(sorted: sorted, 0.1) == 0.14)
        #expect(linearQuantile(sorted: sorted, 0.33) == 0.248)
        #expect(linearQuantile(sorted: sorted, 0.5) == 0.35)
        #expect(linearQuantile(sorted: sorted, 0.9) == 0.8200000000000001)
    }

    @Test func histogramMatchesNumpy() throws {
        let values = [0, 0.5, 1, 1.5, 2, 2.5, 3, 9.99, 10, -1, 11, 4.0, 4.0, 7.3]
        let byCount = try HistogramBins(values: values + [.nan], binning: .count(5))
        #expect(byCount.counts == [4, 4, 2, 1, 3])
        #expect(byCount.edges == [-1.0, 1.4, 3.8, 6.199999999999999, 8.6, 11.0])
        // Left-closed bins, the last one closed on both sides; values outside the edges are not counted.
        let byEdges = try HistogramBins(values: values, binning: .edges([0, 2, 4, 10]))
        #expect(byEdges.counts == [4, 3, 5])
        let constant = try HistogramBins(values: [3, 3, 3], binning: .count(4))
        #expect(constant.edges == [2.5, 2.75, 3.0, 3.25, 3.5])
        #expect(constant.counts == [0, 0, 3, 0])
    }

    @Test func badBinsAreRefusedWithAReason() {
        #expect(throws: ChartError.self) { try HistogramBins(values: [1], binning: .count(0)) }
        #expect(throws: ChartError.self) { try HistogramBins(values: [1], binning: .edges([1])) }
        #expect(throws: ChartError.self) { try HistogramBins(values: [1], binning: .edges([0, 2, 1])) }
        #expect(throws: ChartError.self) { try HeatMap(values: [[1, 2], [3]], rowNames: ["a", "b"], columnNames: ["x", "y"]) }
        #expect(throws: ChartError.self) { try HeatMap(values: [[1, 2]], rowNames: ["a"], columnNames: ["x"]) }
    }

    @Test func divergingColormapIsBlueWhiteRed() {
        let map = Colormap.redBlue
        let low = map.color(of: -1, in: -1...1), middle = map.color(of: 0, in: -1...1), high = map.color(of: 1, in: -1...1)
        #expect(low.blue > low.red && high.red > high.blue)
        #expect(middle.red > 0.95 && middle.green > 0.95 && middle.blue > 0.95)
        #expect(map.color(of: .nan, in: -1...1) == map.invalidColor)
        #expect(map.color(of: 5, in: -1...1) == high)   // clamped
    }
}
