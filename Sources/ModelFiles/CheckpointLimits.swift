/// Ceilings on what reading one checkpoint may cost. Every count or size a file announces (a storage's element
/// count, a tensor's shape, a zip entry's uncompressed size) is checked against them, with overflow-checked
/// arithmetic, before any memory is allocated for it, so a damaged or hostile file is refused with one line
/// (`ModelFileError.tooLarge`) instead of exhausting memory.
///
/// The defaults are far above any policy network this project reads (the scale-4 IMPALA maze policy has about
/// 600,000 parameters, 2.4 MB):
/// - `maximumElements`: all tensors of the state dict together, as Float32, at most 2^28 elements (1 GiB);
/// - `maximumBytes`: one storage as its pickle declares it (a `10^12`-element storage is refused from the
///   pickle alone), and all zip entries read (`data.pkl` and the storages) together, at most 1 GiB.
///
/// Limits that need no setting: a legacy or safetensors storage can never be larger than the file holding it;
/// a stored (uncompressed) zip entry can never declare more bytes than the archive has, a deflated one never
/// more than 1032 times its compressed size (deflate's largest ratio), and no entry may produce more bytes than
/// it declares (a zip bomb stops there); a pickle may describe at most `8 x its length + 4096` values once
/// memo references are expanded, with tuples nested at most 200 deep.
public struct CheckpointLimits: Sendable, Equatable {
    /// Float32 elements of all tensors together.
    public var maximumElements: Int
    /// Bytes of one declared storage, and of all zip entries together once decompressed.
    public var maximumBytes: Int

    public init(maximumElements: Int = 1 << 28, maximumBytes: Int = 1 << 30) {
        self.maximumElements = maximumElements
        self.maximumBytes = maximumBytes
    }

    /// The defaults described above.
    public static let standard = CheckpointLimits()
}

/// Overflow-checked products and sums of sizes a file announces; `nil` means the result does not fit in `Int`.
enum CheckedSize {
    /// The element count of `shape` (1 for a scalar); `nil` for a negative extent, or when the product of the
    /// non-zero extents overflows, even if another extent is 0: code downstream (`Tensor.init`) multiplies the
    /// extents in order, and `[2^40, 2^40, 0]` would overflow before reaching the 0 (found by NumpyFuzzer).
    static func elementCount(_ shape: [Int]) -> Int? {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        var product = 1
        for extent in shape where extent != 0 {
            let (next, overflow) = product.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            product = next
        }
        return shape.contains(0) ? 0 : product
    }

    static func product(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : result
    }

    static func sum(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : result
    }
}

/// Counts what a file has cost so far against a ceiling.
struct SizeBudget {
    let limit: Int
    private(set) var used = 0

    init(limit: Int) { self.limit = limit }

    /// Takes `amount` from the budget, or returns false (leaving it unchanged) when it would go over.
    mutating func take(_ amount: Int) -> Bool {
        guard amount >= 0, let total = CheckedSize.sum(used, amount), total <= limit else { return false }
        used = total
        return true
    }
}
