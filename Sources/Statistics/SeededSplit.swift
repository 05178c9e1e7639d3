/// A deterministic train/test partition of row indices `0..<rowCount`, drawn from a seed.
///
/// Generator: SplitMix64 (Steele, Lea & Flood, 2014; the 64-bit state advances by 0x9E3779B97F4A7C15 and each
/// output is mixed by the xor-shift-multiply finaliser with multipliers 0xBF58476D1CE4E5B9 and
/// 0x94D049BB133111EB). The rows are put in a random order by a Fisher–Yates shuffle (i from n−1 down to 1, j
/// uniform in 0...i by Lemire's multiply-and-reject method, so unbiased); the first ⌈testFraction·n⌉ of the
/// shuffled rows are the test set (scikit-learn's `train_test_split` rounds the test size up the same way), the
/// rest the training set; both lists are returned in ascending order. The same seed and row count always give
/// the same split on every platform; the split is *not* the one scikit-learn draws for that seed.
public struct SeededSplit: Equatable, Sendable {
    public let seed: UInt64
    public let trainIndices: [Int]
    public let testIndices: [Int]

    /// - Parameters:
    ///   - rowCount: number of rows, ≥ 2.
    ///   - testFraction: share of rows in the test set, strictly between 0 and 1 (0.2 for an 80/20 split).
    /// - Throws: `StatisticsError.invalidParameter` when either set would be empty.
    /// - Complexity: O(rowCount).
    public init(rowCount: Int, testFraction: Double = 0.2, seed: UInt64) throws {
        guard testFraction > 0, testFraction < 1 else {
            throw StatisticsError.invalidParameter(
                name: "testFraction", value: "\(testFraction)", reason: "must lie strictly between 0 and 1")
        }
        let testCount = Int((testFraction * Double(rowCount)).rounded(.up))
        guard rowCount >= 2, testCount < rowCount else {
            throw StatisticsError.invalidParameter(
                name: "rowCount", value: "\(rowCount)",
                reason: "too few rows for a train/test split with test fraction \(testFraction)")
        }
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<rowCount)
        for i in stride(from: rowCount - 1, to: 0, by: -1) {
            order.swapAt(i, generator.uniform(below: UInt64(i + 1)))
        }
        self.seed = seed
        self.testIndices = order.prefix(testCount).sorted()
        self.trainIndices = order.dropFirst(testCount).sorted()
    }

    /// `count` splits with seeds `firstSeed, firstSeed + 1, ...`.
    public static func splits(rowCount: Int, testFraction: Double = 0.2, count: Int, firstSeed: UInt64 = 0) throws
        -> [SeededSplit]
    {
        try (0..<UInt64(max(count, 0))).map { try SeededSplit(rowCount: rowCount, testFraction: testFraction, seed: firstSeed &+ $0) }
    }
}

/// SplitMix64: a 64-bit seeded generator with a 2⁶⁴ period, used for reproducible splits.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in 0..<bound (bound ≥ 1), unbiased (Lemire 2019: multiply, reject the short interval).
    public mutating func uniform(below bound: UInt64) -> Int {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }
}
