/// Tick positions and their labels for one numeric axis: "nice" steps of 1, 2 or 5 times a power of ten,
/// and labels written from integers (so 0.1 + 0.2 never shows as `0.30000000000000004`).
///
/// ```swift
/// AxisTicks(lower: 0, upper: 1).labels          // ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
/// AxisTicks(lower: -3, upper: 17).values        // [0, 5, 10, 15] (-5 and 20 lie outside)
/// AxisTicks(lower: 0, upper: 3e-7).labels       // ["0.0", "0.5", ..., "3.0"], multiplierLabel "×10⁻⁷"
/// ```
public struct AxisTicks: Equatable, Sendable {
    /// Tick positions in data units, ascending, all inside `lower...upper` (up to a relative 1e-9).
    public var values: [Double]
    /// One label per value. Labels are the values divided by `10^exponent` when `exponent != 0`.
    public var labels: [String]
    /// Distance between neighbouring ticks: 1, 2 or 5 times `10^stepExponent`.
    public var step: Double
    /// The mantissa of `step`: 1, 2 or 5.
    public var stepMantissa: Int
    /// The power of ten of `step`.
    public var stepExponent: Int
    /// Power of ten shared by all labels (0 when labels show plain values); drawn as `multiplierLabel`
    /// beside the axis, as matplotlib's scientific offset text.
    public var exponent: Int

    /// The shared factor as text, e.g. `"×10⁻⁷"`; nil when `exponent` is 0.
    public var multiplierLabel: String? {
        exponent == 0 ? nil : "×10" + superscript(exponent)
    }

    /// Labels switch to a shared `×10^n` factor when the largest tick reaches 10^5 or the step is below 10^-4.
    public static let plainLabelRange = -4..<5

    /// Nice ticks inside `lower...upper` (the bounds may come in either order).
    ///
    /// Picks the smallest step of the form {1, 2, 5} x 10^k that puts at most `maxCount` ticks in the range,
    /// but always at least two ticks: when that step leaves one, the next smaller step is taken (which
    /// can exceed a `maxCount` below 5; from 5 up some step always fits). A degenerate range (`lower == upper`, a constant series) is
    /// widened to `value ± max(|value| / 10, 1e-300)`, or `-1...1` at zero, so the value gets ticks on either
    /// side. Non-finite bounds give no ticks. With `integer`, steps stay whole numbers (counts).
    /// Cost: O(maxCount).
    public init(lower: Double, upper: Double, maxCount: Int = 8, integer: Bool = false) {
        var low = Swift.min(lower, upper), high = Swift.max(lower, upper)
        self.init(values: [], labels: [], step: 0, stepMantissa: 1, stepExponent: 0, exponent: 0)
        guard low.isFinite, high.isFinite else { return }
        (low, high) = AxisTicks.widenedIfDegenerate(low, high)
        let maxCount = Swift.max(2, maxCount)
        let span = high - low
        // Start one decade below the step that would give maxCount intervals and walk up.
        var exponent = Int((span / Double(maxCount)).log10Floor) - 1
        if integer { exponent = Swift.max(exponent, 0) }
        var mantissaIndex = 0
        let mantissas = [1, 2, 5]
        var previous: (mantissa: Int, exponent: Int)?
        while true {
            var mantissa = mantissas[mantissaIndex]
            var step = Double(mantissa) * power10(exponent)
            let slack = span * 1e-9
            var first = ((low - slack) / step).rounded(.up)
            var last = ((high + slack) / step).rounded(.down)
            if last - first + 1 <= Double(maxCount) || !step.isFinite {
                // Fewer than two ticks: the next smaller step (over maxCount, possible only below 5) wins.
                if last - first + 1 < 2, let previous {
                    (mantissa, exponent) = previous
                    step = Double(mantissa) * power10(exponent)
                    first = ((low - slack) / step).rounded(.up)
                    last = ((high + slack) / step).rounded(.down)
                }
                self.stepMantissa = mantissa
                self.stepExponent = exponent
                self.step = step
                guard first <= last, abs(first) < 1e15, abs(last) < 1e15 else { return }
                let indices = Int(first)...Int(last)
                values = indices.map { AxisTicks.decimal(integer: $0 * mantissa, exponent: exponent) }
                labels = AxisTicks.labels(indices: indices, mantissa: mantissa, stepExponent: exponent,
                                          exponent: &self.exponent)
                return
            }
            previous = (mantissa, exponent)
            mantissaIndex += 1
            if mantissaIndex == mantissas.count { mantissaIndex = 0; exponent += 1 }
        }
    }

    /// Ticks placed by the caller (e.g. categorical positions), with their labels.
    public init(values: [Double], labels: [String]) {
        self.init(values: values, labels: labels, step: 0, stepMantissa: 1, stepExponent: 0, exponent: 0)
    }

    private init(values: [Double], labels: [String], step: Double, stepMantissa: Int, stepExponent: Int,
                 exponent: Int) {
        self.values = values
        self.labels = labels
        self.step = step
        self.stepMantissa = stepMantissa
        self.stepExponent = stepExponent
        self.exponent = exponent
    }

    /// `value ± |value|/10` (or `-1...1` at zero) for a zero-width range; other ranges unchanged.
    public static func widenedIfDegenerate(_ low: Double, _ high: Double) -> (Double, Double) {
        guard low == high else { return (low, high) }
        let half = low == 0 ? 1 : Swift.max(abs(low) / 10, 1e-300)
        return (low - half, high + half)
    }

    /// The double nearest to `integer x 10^exponent` (one correctly rounded operation for |exponent| <= 22).
    static func decimal(integer: Int, exponent: Int) -> Double {
        exponent >= 0 ? Double(integer) * power10(exponent) : Double(integer) / power10(-exponent)
    }

    /// Labels for ticks `index x mantissa x 10^stepExponent`, written digit by digit from the integer
    /// `index x mantissa`; sets `exponent` when the labels need a shared power of ten.
    private static func labels(indices: ClosedRange<Int>, mantissa: Int, stepExponent: Int,
                               exponent: inout Int) -> [String] {
        let largest = Swift.max(abs(indices.lowerBound), abs(indices.upperBound)) * mantissa
        // Power of ten of the largest tick's leading digit.
        let largestExponent = largest == 0 ? stepExponent : stepExponent + String(largest).count - 1
        if largestExponent >= plainLabelRange.upperBound || stepExponent < plainLabelRange.lowerBound {
            exponent = largestExponent
        } else {
            exponent = 0
        }
        // Digits after the decimal point: enough for the step, once the shared power is taken out.
        let decimals = Swift.max(0, exponent - stepExponent)
        return indices.map { index in
            format(integer: index * mantissa, shift: stepExponent - exponent, decimals: decimals)
        }
    }

    /// `integer x 10^shift` written with `decimals` digits after the point; a minus sign (U+2212) as
    /// matplotlib draws it, never for zero.
    static func format(integer: Int, shift: Int, decimals: Int) -> String {
        var digits = String(abs(integer))
        if shift > 0, integer != 0 { digits += String(repeating: "0", count: shift) }
        // digits now holds the value x 10^(min(shift, 0)); place the point `-min(shift,0)` digits from the right.
        let fractional = -Swift.min(shift, 0)
        if digits.count <= fractional {
            digits = String(repeating: "0", count: fractional - digits.count + 1) + digits
        }
        var integerPart = String(digits.dropLast(fractional))
        var fractionPart = String(digits.suffix(fractional))
        if fractionPart.count < decimals {
            fractionPart += String(repeating: "0", count: decimals - fractionPart.count)
        }
        if integerPart.isEmpty { integerPart = "0" }
        let text = decimals > 0 ? integerPart + "." + fractionPart : integerPart
        return integer < 0 ? "\u{2212}" + text : text
    }
}

/// Power of ten as a double: exact up to 10^22, beyond that a product (or quotient) of exact powers.
func power10(_ exponent: Int) -> Double {
    var result = 1.0
    var remaining = abs(exponent)
    while remaining > 0 {
        let chunk = Swift.min(remaining, 22)
        if exponent < 0 { result /= exactPowers[chunk] } else { result *= exactPowers[chunk] }
        remaining -= chunk
    }
    return result
}

private let exactPowers: [Double] = (0...22).map { n in (0..<n).reduce(1.0) { value, _ in value * 10 } }

/// Superscript digits and minus for `×10ⁿ` labels.
func superscript(_ value: Int) -> String {
    let map: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶",
                                       "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
    return String(String(value).map { map[$0] ?? $0 })
}

extension Double {
    /// `floor(log10(self))` for positive finite values, computed without libm; 0 otherwise.
    var log10Floor: Double {
        guard self > 0, isFinite else { return 0 }
        var exponent = 0
        var value = self
        while value >= 10 { value /= 10; exponent += 1 }
        while value < 1 { value *= 10; exponent -= 1 }
        return Double(exponent)
    }
}
