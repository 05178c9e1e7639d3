/// The 32-bit Mersenne Twister, bit for bit the same stream as C++11 `std::mt19937`.
///
/// procgen seeds it with the level seed (converted to `UInt32`) using the standard initialisation
/// (multiplier 1812433253, no `seed_seq`). Check value: the 10000th output from seed 5489 is 4123659995.
public struct MersenneTwister: Sendable {
    private static let stateSize = 624
    private static let shiftSize = 397
    private var state: InlineArray<624, UInt32>
    private var index: Int

    /// Seeds the generator like `std::mt19937::seed(value)`.
    public init(seed: UInt32 = 5489) {
        state = InlineArray(repeating: 0)
        state[0] = seed
        var previous = seed
        for i in 1..<Self.stateSize {
            previous = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
            state[i] = previous
        }
        index = Self.stateSize
    }

    /// The next raw 32-bit output.
    ///
    /// The state is twisted one word at a time, just before that word is used. This gives exactly the words
    /// of the usual whole-block twist (each word is updated in the same order, from the same neighbours), but a
    /// level that needs ~330 outputs does not pay for twisting all 624.
    public mutating func next() -> UInt32 {
        if index == Self.stateSize { index = 0 }
        let i = index
        let following = i + 1 == Self.stateSize ? 0 : i + 1
        let shifted = i < Self.stateSize - Self.shiftSize ? i + Self.shiftSize : i + Self.shiftSize - Self.stateSize
        let mixed = (state[i] & 0x8000_0000) | (state[following] & 0x7FFF_FFFF)
        var word = state[shifted] ^ (mixed >> 1)
        if mixed & 1 != 0 { word ^= 0x9908_B0DF }
        state[i] = word
        index = i + 1
        word ^= word >> 11
        word ^= (word << 7) & 0x9D2C_5680
        word ^= (word << 15) & 0xEFC6_0000
        word ^= word >> 18
        return word
    }
}

/// procgen's `RandGen`: every helper turns one raw mt19937 output into a value with plain arithmetic
/// (modulo bias included); no `std::*_distribution` is involved.
public struct ProcgenRandom: Sendable {
    public private(set) var generator: MersenneTwister

    /// `RandGen::seed(int)`: the int is converted to `UInt32` and used as the mt19937 seed.
    public init(seed: Int32) {
        generator = MersenneTwister(seed: UInt32(bitPattern: seed))
    }

    /// `randn(n)`: `x % n`.
    public mutating func randn(_ n: Int) -> Int {
        precondition(n > 0, "randn needs a positive bound")
        return Int(generator.next() % UInt32(n))
    }

    /// `randint(lo, hi)`: `lo + x % UInt32(hi - lo)`.
    public mutating func randint(_ low: Int, _ high: Int) -> Int {
        low + Int(generator.next() % UInt32(truncatingIfNeeded: high - low))
    }

    /// `rand01()`: `Float(Double(x) / 2^32)`.
    public mutating func rand01() -> Float {
        Float(Double(generator.next()) / 4_294_967_296.0)
    }

    /// `randint()`: the raw output reinterpreted as a signed int.
    public mutating func randint() -> Int32 {
        Int32(bitPattern: generator.next())
    }
}
