import Tensors

/// Named tensors in file order, as a checkpoint stores them (PyTorch key names, PyTorch layouts).
public struct StateDict: Sendable {
    /// The file the tensors came from, for error messages.
    public let file: String
    /// Keys in file order.
    public private(set) var keys: [String]
    private var tensors: [String: Tensor]

    /// A state dict from `(key, tensor)` pairs; later duplicates replace earlier ones.
    public init(file: String, entries: [(String, Tensor)]) {
        self.file = file
        keys = []
        tensors = [:]
        for (key, tensor) in entries {
            if tensors.updateValue(tensor, forKey: key) == nil { keys.append(key) }
        }
    }

    /// The tensor stored under `key`, if any.
    public subscript(key: String) -> Tensor? { tensors[key] }

    /// Number of tensors.
    public var count: Int { keys.count }

    /// Tensors in file order.
    public var entries: [(key: String, tensor: Tensor)] { keys.map { ($0, tensors[$0]!) } }
}

/// Takes tensors out of a `StateDict` one key at a time, checking each shape, and finally checks that
/// every tensor was used (the "consume and verify" loading style).
public struct StateDictConsumer {
    private var remaining: StateDict
    private var used: Set<String> = []

    public init(_ stateDict: StateDict) { remaining = stateDict }

    /// The file being consumed, for error messages.
    public var file: String { remaining.file }

    /// The shape stored under `key`. - Throws: `ModelFileError.missingKey`.
    public func shape(of key: String) throws -> [Int] {
        guard let tensor = remaining[key] else {
            throw ModelFileError.missingKey(file: remaining.file, key: key, available: remaining.keys)
        }
        return tensor.shape
    }

    /// Removes and returns the tensor under `key` after checking its shape.
    /// - Throws: `ModelFileError.missingKey` or `.wrongShape`.
    public mutating func take(_ key: String, shape: [Int]) throws -> Tensor {
        guard let tensor = remaining[key] else {
            throw ModelFileError.missingKey(file: remaining.file, key: key, available: remaining.keys)
        }
        guard tensor.shape == shape else {
            throw ModelFileError.wrongShape(file: remaining.file, key: key, expected: shape, found: tensor.shape)
        }
        used.insert(key)
        return tensor
    }

    /// Checks that every tensor in the file was taken. - Throws: `ModelFileError.unusedKeys`.
    public func finish() throws {
        let unused = remaining.keys.filter { !used.contains($0) }
        if !unused.isEmpty { throw ModelFileError.unusedKeys(file: remaining.file, keys: unused) }
    }
}
