import Foundation

/// A list of level seeds written the way every command accepts them: `7`, `0..20` (inclusive, like the
/// shell's `{0..20}`), `0...20` (inclusive), `0..<20` (exclusive), and comma lists of any of these (`0,2,54`,
/// `0..3,10`). Seeds are procgen level seeds, 0 ... 2^31-1, kept in the order written.
///
/// A list holds at most `maximumCount` (1,000,000) seeds; a longer one (`0..2147483647` would be 8 GiB of
/// seeds) is refused from the range's bounds alone, before anything is allocated. Split longer jobs into runs.
public struct SeedList: Hashable, Sendable, CustomStringConvertible {
    public let seeds: [Int32]
    public let text: String

    /// The most seeds one list may hold.
    public static let maximumCount = 1_000_000

    /// One-line explanation for `--help`.
    public static let syntaxHelp =
        "Level seeds: N, A..B or A...B (inclusive), A..<B (exclusive), or comma lists such as 0,2,54 (0 ... 2147483647; at most 1,000,000 seeds)."

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(ParseError) {
        var seeds: [Int32] = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        for rawItem in items {
            let item = rawItem.trimmingSpaces()
            guard !item.isEmpty else { throw ParseError(description: "'\(text)' has an empty item; write seeds such as 0,2,54") }
            if let range = item.range(of: "..<") {
                let low = try Self.seed(String(item[..<range.lowerBound]), in: text)
                let high = try Self.seed(String(item[range.upperBound...]), in: text)
                guard low < high else { throw ParseError(description: "'\(item)' is empty or reversed; write A..<B with A < B") }
                try Self.checkRoom(Int(high) - Int(low), after: seeds.count, item: item)
                seeds += Array(low..<high)
            } else if let range = item.range(of: "...") ?? item.range(of: "..") {
                let low = try Self.seed(String(item[..<range.lowerBound]), in: text)
                let high = try Self.seed(String(item[range.upperBound...]), in: text)
                guard low <= high else { throw ParseError(description: "'\(item)' is reversed; write the smaller seed first") }
                try Self.checkRoom(Int(high) - Int(low) + 1, after: seeds.count, item: item)
                seeds += Array(low...high)
            } else {
                let seed = try Self.seed(item, in: text)
                try Self.checkRoom(1, after: seeds.count, item: item)
                seeds.append(seed)
            }
        }
        self.seeds = seeds
        self.text = text
    }

    public var description: String { text }

    /// Refuses `count` more seeds when the list would pass `maximumCount` (seed counts fit in `Int` easily).
    private static func checkRoom(_ count: Int, after existing: Int, item: String) throws(ParseError) {
        guard existing + count > maximumCount else { return }
        throw ParseError(description: "'\(item)' brings the list to \(existing + count) seeds; a list holds at most "
            + "\(maximumCount), so split the job into several runs (e.g. 0..<1000000, then 1000000..<2000000)")
    }

    private static func seed(_ token: String, in text: String) throws(ParseError) -> Int32 {
        let digits = token.trimmingSpaces()
        if digits.hasPrefix("-"), Int(digits) != nil {
            throw ParseError(description: "seed \(digits) is negative; level seeds run from 0 to 2147483647")
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw ParseError(description: "'\(digits)' in '\(text)' is not a seed; use whole numbers such as 0..20 or 0,2,54")
        }
        guard let value = Int32(digits) else {
            throw ParseError(description: "seed \(digits) is above 2147483647, the largest procgen level seed")
        }
        return value
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
