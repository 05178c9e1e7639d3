import Foundation
import JobSupport
import OutputFiles
import Statistics

/// The rates, means and medians one summary reports, each with n and a 95 % interval: Wilson score for rates,
/// the seeded percentile bootstrap (`Bootstrap.defaultResamples` resamples, SplitMix64 seed
/// `Bootstrap.defaultSeed`) for means and medians. Written as a Markdown table in `summary.md` and as JSON.
struct IntervalSummary: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var quantity: String
        var n: Int
        /// For a rate: how many of the n.
        var successes: Int?
        var rate: ConfidenceInterval?
        var mean: ConfidenceInterval?
        var median: ConfidenceInterval?
    }

    var entries: [Entry] = []

    /// `successes` of `trials`, with its Wilson interval.
    mutating func rate(_ quantity: String, successes: Int, trials: Int) {
        entries.append(Entry(quantity: quantity, n: trials, successes: successes,
                             rate: ConfidenceInterval.wilson(successes: successes, trials: trials)))
    }

    /// The mean and median of the finite `values`, with their bootstrap intervals (n = the finite values).
    mutating func distribution(_ quantity: String, _ values: [Double]) {
        let finite = values.filter(\.isFinite)
        let intervals = Bootstrap.meanAndMedian(finite)
        entries.append(Entry(quantity: quantity, n: finite.count, mean: intervals?.mean, median: intervals?.median))
    }

    /// One sentence naming the methods, for under a table.
    static let methods = "Intervals: 95 %; Wilson score for rates, percentile bootstrap (\(Bootstrap.defaultResamples) "
        + "resamples, SplitMix64 seed \(Bootstrap.defaultSeed), the same on every machine) for means and medians."

    /// `| quantity | n | rate or mean [95 % interval] | median [95 % interval] |` and the methods line.
    func markdown(digits: Int = 3) -> String {
        var text = "| quantity | n | rate or mean [95 % interval] | median [95 % interval] |\n|---|---:|---|---|\n"
        for entry in entries {
            let first: String
            if let rate = entry.rate {
                first = "\(entry.successes ?? 0)/\(entry.n) = \(rate.formatted(digits))"
            } else {
                first = entry.mean?.formatted(digits) ?? "–"
            }
            text += "| \(entry.quantity) | \(entry.n) | \(first) | \(entry.median?.formatted(digits) ?? "–") |\n"
        }
        return text + "\n" + Self.methods + "\n"
    }

    /// The entries as `summary.json` writes them (`{"quantity", "n", "successes"?, "rate"?, "mean"?, "median"?}`,
    /// each interval `{"estimate", "lower", "upper", "n", "level", "method"}`), non-finite numbers as null.
    var jsonValue: JSONValue {
        func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }
        func interval(_ value: ConfidenceInterval) -> JSONValue {
            .object([("estimate", number(value.estimate)), ("lower", number(value.lower)), ("upper", number(value.upper)),
                     ("n", .int(value.n)), ("level", .double(value.level)), ("method", .string(value.method))])
        }
        return .array(entries.map { entry in
            var members: [(String, JSONValue)] = [("quantity", .string(entry.quantity)), ("n", .int(entry.n))]
            if let successes = entry.successes { members.append(("successes", .int(successes))) }
            for (key, value) in [("rate", entry.rate), ("mean", entry.mean), ("median", entry.median)] {
                if let value { members.append((key, interval(value))) }
            }
            return .object(members)
        })
    }

    /// The entry for `quantity`, if any.
    subscript(quantity: String) -> Entry? { entries.first { $0.quantity == quantity } }

    /// Pretty, key-sorted JSON (non-finite numbers as strings), ending in a newline.
    static func json(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(value)) + [0x0A]
    }
}
