import Charts
import Testing

@Suite("Nice ticks")
struct AxisTicksTests {
    @Test func unitRangeStepsByTwoTenths() {
        let ticks = AxisTicks(lower: 0, upper: 1)
        #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ticks.stepMantissa == 2 && ticks.stepExponent == -1)
        #expect(ticks.multiplierLabel == nil)
    }

    @Test func ticksStayInsideTheRange() {
        let ticks = AxisTicks(lower: 0, upper: 0.93)
        #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8])
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8"])
    }

    @Test func negativeToPositiveRange() {
        let ticks = AxisTicks(lower: -3, upper: 17)
        #expect(ticks.values == [0, 5, 10, 15])
        #expect(ticks.labels == ["0", "5", "10", "15"])
        // With room for more ticks the step drops to 2 and negative labels get matplotlib's minus sign.
        let dense = AxisTicks(lower: -3, upper: 17, maxCount: 11)
        #expect(dense.values == [-2, 0, 2, 4, 6, 8, 10, 12, 14, 16])
        #expect(dense.labels.first == "\u{2212}2")
        #expect(AxisTicks(lower: 17, upper: -3) == ticks)   // bounds in either order
    }

    @Test func labelsAndValuesCarryNoFloatNoise() {
        let ticks = AxisTicks(lower: 0.1, upper: 0.7)
        #expect(ticks.values == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])   // 0.3, not 0.1 + 0.2
        #expect(ticks.labels == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
        let offset = AxisTicks(lower: 1000, upper: 1000.5)
        #expect(offset.values == [1000.0, 1000.1, 1000.2, 1000.3, 1000.4, 1000.5])
        #expect(offset.labels == ["1000.0", "1000.1", "1000.2", "1000.3", "1000.4", "1000.5"])
        #expect(AxisTicks(lower: 0, upper: 80, maxCount: 9).labels == ["0", "10", "20", "30", "40", "50", "60", "70", "80"])
    }

    @Test func tinyRangeSharesAPowerOfTen() {
        let ticks = AxisTicks(lower: 0, upper: 3e-7)
        #expect(ticks.values == [0, 5e-8, 1e-7, 1.5e-7, 2e-7, 2.5e-7, 3e-7])
        #expect(ticks.labels == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"])
        #expect(ticks.exponent == -7)
        #expect(ticks.multiplierLabel == "×10⁻⁷")
    }

    @Test func hugeRangeSharesAPowerOfTen() {
        let ticks = AxisTicks(lower: 0, upper: 4.2e12)
        #expect(ticks.values == [0, 1e12, 2e12, 3e12, 4e12])
        #expect(ticks.labels == ["0", "1", "2", "3", "4"])
        #expect(ticks.multiplierLabel == "×10¹²")
        let negative = AxisTicks(lower: -2.5e300, upper: 1e300)
        #expect(negative.labels == ["−2.5", "−2.0", "−1.5", "−1.0", "−0.5", "0.0", "0.5", "1.0"])
        #expect(negative.multiplierLabel == "×10³⁰⁰")
    }

    @Test func constantSeriesGetsTicksAroundItsValue() {
        let ticks = AxisTicks(lower: 5, upper: 5)
        #expect(ticks.values == [4.6, 4.8, 5.0, 5.2, 5.4])
        #expect(ticks.labels == ["4.6", "4.8", "5.0", "5.2", "5.4"])
        let zero = AxisTicks(lower: 0, upper: 0)
        #expect(zero.labels == ["\u{2212}1.0", "\u{2212}0.5", "0.0", "0.5", "1.0"])
        let range = Axis.paddedRange([3, 3, 3])
        #expect(range.lowerBound < 3 && range.upperBound > 3)
    }

    @Test func integerTicksForCounts() {
        #expect(AxisTicks(lower: 0, upper: 4.2, integer: true).values == [0, 1, 2, 3, 4])
        #expect(AxisTicks(lower: 0, upper: 0.5, integer: true).values == [0])   // no whole step fits twice
        #expect(AxisTicks(lower: 0, upper: 170, maxCount: 9, integer: true).values == [0, 20, 40, 60, 80, 100, 120, 140, 160])
    }

    @Test func nonFiniteBoundsGiveNoTicks() {
        #expect(AxisTicks(lower: 0, upper: .infinity).values.isEmpty)
        #expect(AxisTicks(lower: .nan, upper: 1).values.isEmpty)
    }

    /// Over many ranges: at most `maxCount` ticks (5 for smaller counts), at least two, inside the range, evenly spaced by a
    /// 1-2-5 step, and distinct labels.
    @Test(arguments: [3, 5, 8, 9])
    func propertiesHoldOverManyRanges(maxCount: Int) {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<2000 {
            let scale = [1e-9, 1e-3, 1, 7, 1e3, 1e8][Int(next() * 6)]
            let a = (next() - 0.5) * scale * 10, b = a + next() * scale * 10 + scale * 1e-6
            let ticks = AxisTicks(lower: a, upper: b, maxCount: maxCount)
            #expect(ticks.values.count >= 2 && ticks.values.count <= Swift.max(maxCount, 5), "\(a)...\(b)")
            #expect([1, 2, 5].contains(ticks.stepMantissa))
            #expect(Set(ticks.labels).count == ticks.labels.count, "\(ticks.labels)")
            for value in ticks.values {
                #expect(value >= a - (b - a) * 1e-9 && value <= b + (b - a) * 1e-9)
            }
            for (left, right) in zip(ticks.values, ticks.values.dropFirst()) {
                #expect(abs((right - left) - ticks.step) <= ticks.step * 1e-9)
            }
        }
    }
}
