extension Provenance {
    /// `seeds` as short text, consecutive runs written `A..B`, in the order given: `[0, 1, 2, 3, 7]` →
    /// `"0..3,7"`. For outputs whose seeds arrive as numbers rather than as the user's text.
    public static func seedText<S: BinaryInteger>(_ seeds: [S]) -> String {
        var parts: [String] = []
        var index = 0
        while index < seeds.count {
            var end = index
            while end + 1 < seeds.count, seeds[end + 1] == seeds[end] + 1 { end += 1 }
            parts.append(end - index >= 2 ? "\(seeds[index])..\(seeds[end])"
                         : seeds[index...end].map { "\($0)" }.joined(separator: ","))
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The keys `entries` uses, in order (`Title` is the one a figure's writer may add).
    public static let entryKeys = ["Title", "Software", "Command", "Model", "Seeds", "Patches", "Clipped"]
}
