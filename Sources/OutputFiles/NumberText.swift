/// Numbers as CSV cells: the shortest text that reads back as exactly the same value, so a table can be
/// recomputed to the last digit. Every mazerender CSV writes its reals through these.
///
/// A `Double` is written in Swift's shortest round-trip form (`0.1`, `6.4031242374328485`, `1e-07`), whole
/// numbers without `.0` (`3`); a `Float` in Float32's own shortest form (`0.1`, which reads back as the same
/// Float32, where widening first would give `0.10000000149011612`). Non-finite values are `nan`, `inf` and
/// `-inf` (what Python's `float()` and numpy read).
public enum NumberText {
    /// - Returns: the shortest text that parses back to `value` (`Double(text) == value`).
    public static func shortest(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// - Returns: the shortest text that parses back to `value` as a Float32 (`Float(text) == value`).
    public static func shortest(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e7 { return String(Int64(value)) }
        return "\(value)"
    }
}
