/// An element type of a PyTorch storage (`torch.FloatStorage` and friends).
public enum StorageElementType: String, Sendable, Equatable, CaseIterable {
    case float32 = "FloatStorage", float64 = "DoubleStorage", float16 = "HalfStorage"
    case bfloat16 = "BFloat16Storage", int64 = "LongStorage", int32 = "IntStorage"
    case int16 = "ShortStorage", int8 = "CharStorage", uint8 = "ByteStorage", bool = "BoolStorage"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }
}

/// A storage referenced by a pickle's persistent id: `('storage', torch.FloatStorage, key, location, numel)`.
public struct PickledStorage: Sendable, Equatable {
    public var elementType: StorageElementType
    /// The storage's name: the zip entry `<stem>/data/<key>`, or the legacy format's object key.
    public var key: String
    /// Element count as recorded in the pickle.
    public var count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a view into a storage.
public struct PickledTensor: Sendable, Equatable {
    public var storage: PickledStorage
    /// Offset of element `[0, ..., 0]` in the storage, in elements.
    public var storageOffset: Int
    public var shape: [Int]
    /// Strides in elements.
    public var strides: [Int]
}

/// The data a safe unpickle produces. It holds only plain values, containers and tensor descriptions;
/// there are no objects with behaviour.
public indirect enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`, as little-endian two's-complement bytes (e.g. the legacy magic number).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    /// A dict or `collections.OrderedDict`, in insertion order.
    case dict([PickleDictEntry])
    case set([PickleValue])
    /// A reference to one of the allowed globals, e.g. `torch.FloatStorage`.
    case global(module: String, name: String)
    case storage(PickledStorage)
    case tensor(PickledTensor)

    /// The value under string key `key` when this is a dict.
    public subscript(key: String) -> PickleValue? {
        guard case let .dict(entries) = self else { return nil }
        return entries.last { $0.key == .string(key) }?.value
    }

    /// String keys of a dict, in order (empty otherwise).
    public var stringKeys: [String] {
        guard case let .dict(entries) = self else { return [] }
        return entries.compactMap { if case let .string(s) = $0.key { return s } else { return nil } }
    }
}

/// One key-value pair of a pickled dict.
public struct PickleDictEntry: Sendable, Equatable {
    public var key: PickleValue
    public var value: PickleValue
    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}
