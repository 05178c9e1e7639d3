import Statistics
import Testing

@Suite("F test (f_classif)")
struct FTestTests {
    @Test("two groups: F equals the ANOVA definition worked by hand")
    func handWorked() throws {
        // Groups {1,2,3} and {4,5,6}: means 2 and 5, grand mean 3.5; SSB = 3·1.5² · 2 = 13.5, SSW = 2 + 2 = 4,
        // n − k = 4, so F = 13.5 / (4 / 4) = 13.5 (scikit-learn's f_classif gives the same).
        let f = try FTest.classification(values: [1, 2, 3, 4, 5, 6], labels: [false, false, false, true, true, true])
        #expect(abs(f - 13.5) < 1e-12)
        // Unbalanced, interleaved order: {0, 10} vs {1, 2, 3}: means 5 and 2, grand mean 3.2;
        // SSB = 2·1.8² + 3·1.2² = 10.8, SSW = 50 + 2 = 52, F = 10.8 / (52 / 3).
        let g = try FTest.classification(values: [0, 1, 10, 2, 3], labels: [true, false, true, false, false])
        #expect(abs(g - 10.8 / (52.0 / 3.0)) < 1e-12)
    }

    @Test("degenerate data get values, not NaN; bad input is refused")
    func degenerate() throws {
        #expect(try FTest.classification(values: [1, 1, 2, 2], labels: [false, false, true, true]) == .infinity)
        #expect(try FTest.classification(values: [3, 3, 3, 3], labels: [false, false, true, true]) == 0)
        #expect(try FTest.classification(values: [1, 2, 3], labels: [true, true, true]) == 0)
        #expect(throws: StatisticsError.self) { try FTest.classification(values: [1, 2, 3], labels: [true]) }
        #expect(throws: StatisticsError.self) { try FTest.classification(values: [1, .nan, 3], labels: [true, false, true]) }
        let columns = try FTest.classification(rows: [[1, 0], [2, 0], [3, 1], [4, 1]], labels: [false, false, true, true])
        #expect(columns.count == 2 && abs(columns[0] - 8) < 1e-12 && columns[1] == .infinity)
    }
}
