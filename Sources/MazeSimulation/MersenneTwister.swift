/// The 32-bit Mersenne Twister, bit for bit the same stream as C++11 `std::mt19937`.
///
/// procgen seeds it with the level seed (converted to `UInt32`) using the standard initialisation
/// (multiplier 1812433253, no `seed_seq`). Check value: the 10000th output from seed 5489 is 4123659995.
public struct MersenneTwister: Sendable {
    private static let stateSize = 624
    private static let shiftSize = 397
    private var state: [UInt32]
    private var index: Int

    /// Seeds the generator like `std::mt19937::seed(value)`.
    public init(seed: UInt32 = 5489) {
        var words = [UInt32](repeating: 0, count: Self.stateSize)
        words[0] = seed
        for i in 1..<Self.stateSize {
            let previous = words[i - 1]
            words[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        state = words
        index = Self.stateSize
    }

    /// The next raw 32-bit output.
    public mutating func next() -> UInt32 {
        if index >= Self.stateSize { regenerate() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shiftSize
        state.withUnsafeMutableBufferPointer { mt in
            for i in 0..<n {
                let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % n] & 0x7FFF_FFFF)
                var value = mt[(i + m) % n] ^ (y >> 1)
                if y & 1 != 0 { value ^= 0x9908_B0DF }
                mt[i] = value
            }
        }
        index = 0
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
