import MazeSimulation
import PolicyExperiments
import Testing

/// `RetargetingSummary` and `RetargetingRow` on hand-made rows.
@Suite("retargeting summary")
struct RetargetingSummaryTests {
    static func row(_ condition: String, distance: Int, divergence: Int, probability: Double,
                    magnitude: Float? = nil) -> RetargetingRow {
        let path = (0..<distance).map { MazePoint(x: $0, y: 0) }
        return RetargetingRow(seed: 4, mazeSize: 25,
                              target: RetargetingTarget(square: path.last!, path: path, topRightDivergence: divergence),
                              condition: condition, magnitude: magnitude, probability: probability)
    }

    @Test("means, medians, share above 0.5 and bins per condition, in first-appearance order")
    func aggregates() {
        let rows = [
            Self.row("normal", distance: 2, divergence: 0, probability: 0.9),
            Self.row("normal", distance: 3, divergence: 1, probability: 0.5),
            Self.row("normal", distance: 7, divergence: 4, probability: 0.1),
            Self.row("normal", distance: 8, divergence: 4, probability: 0.3),
            Self.row("cheese", distance: 2, divergence: 0, probability: 1),
            Self.row("cheese", distance: 8, divergence: 4, probability: 0.6),
        ]
        let summary = RetargetingSummary(rows: rows, binCount: 3)
        #expect(summary.conditions.map(\.name) == ["normal", "cheese"])
        // Distances 2...8 (7 values) in 3 bins: width 3, bins [0,2], [3,5], [6,8].
        #expect(summary.distanceBinWidth == 3)
        #expect(summary.divergenceBinWidth == 2)
        let normal = summary.conditions[0]
        #expect(normal.count == 4)
        #expect(abs(normal.mean - 0.45) < 1e-12)
        #expect(abs(normal.median - 0.4) < 1e-12)
        #expect(normal.aboveHalf == 0.25)
        #expect(normal.byDistance.map(\.lower) == [0, 3, 6])
        #expect(normal.byDistance.map(\.count) == [1, 1, 2])
        #expect(abs(normal.byDistance[2].mean - 0.2) < 1e-12)
        #expect(normal.byDivergence.map(\.lower) == [0, 4])
        #expect(normal.byDivergence.map(\.count) == [2, 2])
        let cheese = summary.conditions[1]
        #expect(abs(cheese.median - 0.8) < 1e-12 && cheese.byDistance.map(\.lower) == [0, 6])
    }

    @Test("CSV cells: row = y, col = x, d_to_coord = path squares, magnitude empty unless set")
    func cells() {
        let path = [MazePoint(x: 0, y: 0), MazePoint(x: 0, y: 1), MazePoint(x: 1, y: 1)]
        var row = RetargetingRow(seed: 9, mazeSize: 5,
                                 target: RetargetingTarget(square: path[2], path: path, topRightDivergence: 2),
                                 condition: "normal", magnitude: nil, probability: 0.25)
        #expect(row.cells == ["1", "1", "5", "3", "0.25", "", "normal", "9", "2"])
        row = RetargetingRow(seed: 9, mazeSize: 5,
                             target: RetargetingTarget(square: MazePoint(x: 2, y: 0), path: [MazePoint(x: 0, y: 0), MazePoint(x: 1, y: 0), MazePoint(x: 2, y: 0)], topRightDivergence: 3),
                             condition: "top3", magnitude: 5.5, probability: 1)
        #expect(row.cells == ["0", "2", "5", "3", "1", "5.5", "top3", "9", "3"])
        #expect(RetargetingRow.columns.count == row.cells.count)
    }
}
