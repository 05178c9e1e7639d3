import Foundation

/// A small deterministic random number generator (SplitMix64): the same seed gives the same sequence on
/// every machine and run. Not for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in `[0, 1)` built from the top 24 bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal sample (Box-Muller, computed in Double, one sample per two uniforms).
    public mutating func nextNormal() -> Float {
        let u1 = (Double(next() >> 11) + 0.5) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A tensor of `shape` with independent normal samples of standard deviation `std`.
    public mutating func normalTensor(shape: [Int], std: Float) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count { scalars[i] = std * nextNormal() }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of `shape` with independent samples uniform in `[-bound, bound)`.
    public mutating func uniformTensor(shape: [Int], bound: Float) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count { scalars[i] = (2 * nextUnitFloat() - 1) * bound }
        return Tensor(shape: shape, scalars: scalars)
    }
}
