/// A dense Float32 tensor: a shape and contiguous row-major ("C order") storage.
///
/// Image batches use NCHW: element `[n, c, h, w]` lives at `((n * C + c) * H + h) * W + w`.
/// Linear activations use `[N, features]`. A `Tensor` is a value: copies share storage until written
/// (copy-on-write through `[Float]`).
public struct Tensor: Sendable, Equatable, Codable {
    /// Extent of every dimension, outermost first.
    public private(set) var shape: [Int]
    /// `shape.reduce(1, *)` elements in row-major order.
    public var scalars: [Float]

    /// Wraps existing storage. - Precondition: `scalars.count == shape.product`, no negative extent.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of `shape` filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of `shape` whose elements are unspecified until written (for kernels that overwrite every
    /// element; saves a zero-filling pass).
    public init(uninitialized shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { _, initialized in
            initialized = count
        })
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The same storage viewed with another shape of equal element count (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Elements `[n]` of the outermost dimension, as a tensor of shape `[1] + shape.dropFirst()`.
    /// Cost: one copy of `count / shape[0]` elements.
    public func batchElement(_ n: Int) -> Tensor {
        batchSlice(n..<(n + 1))
    }

    /// Elements `range` of the outermost dimension. Cost: one copy of the selected elements.
    public func batchSlice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "batch range \(range) outside shape \(shape)")
        let stride = shape[0] == 0 ? 0 : count / shape[0]
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, scalars: Array(scalars[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// Concatenates tensors along the outermost dimension; all trailing extents must match.
    public static func concatenatingBatches(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let trailing = Array(parts[0].shape.dropFirst())
        var scalars: [Float] = []
        scalars.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var total = 0
        for part in parts {
            precondition(Array(part.shape.dropFirst()) == trailing,
                         "cannot concatenate shape \(part.shape) with trailing extents \(trailing)")
            scalars.append(contentsOf: part.scalars)
            total += part.shape[0]
        }
        return Tensor(shape: [total] + trailing, scalars: scalars)
    }

    /// Reads the element at a full multi-index (slow path: for tests and small lookups).
    public subscript(index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    /// Row-major flat position of a full multi-index.
    public func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) has rank \(index.count), tensor has shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) outside shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// Runs `body` with read access to the contiguous storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Runs `body` with write access to the contiguous storage.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Largest absolute elementwise difference to `other` (same shape required).
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(scalars[i] - other.scalars[i])) }
        return worst
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "Tensor(shape: \(shape), \(count) scalars)"
    }
}
