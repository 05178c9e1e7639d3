import Tensors

/// Turns pickled tensor descriptions into `Tensor`s, given a way to fetch each storage's raw bytes.
///
/// Every size the pickle declares is checked, with overflow-checked arithmetic, before anything is fetched or
/// allocated: the storage's byte size against `CheckpointLimits.maximumBytes`, the tensor's element count
/// against what is left of `CheckpointLimits.maximumElements`, and the view against the storage it reads.
/// Only the elements a view reaches are decoded, so many views of one large storage cost no more than their
/// own elements.
enum TensorMaterializer {
    /// Finds the state dict in a checkpoint's root object and reads its tensors.
    /// - Parameter storageBytes: the bytes of a storage (at least what the storage declares, or it is truncated).
    static func stateDict(from root: PickleValue, file: String, limits: CheckpointLimits,
                          storageBytes: (PickledStorage) throws -> ArraySlice<UInt8>) throws -> StateDict {
        let candidate: PickleValue
        if let model = root["model_state_dict"] {
            candidate = model
        } else if let state = root["state_dict"] {
            candidate = state
        } else {
            candidate = root
        }
        guard case let .dict(entries) = candidate, !entries.isEmpty else {
            throw ModelFileError.noStateDict(file: file, topLevelKeys: root.stringKeys)
        }
        var budget = SizeBudget(limit: limits.maximumElements)
        var tensors: [(String, Tensor)] = []
        for entry in entries {
            guard case let .string(key) = entry.key, case let .tensor(description) = entry.value else {
                throw ModelFileError.noStateDict(file: file, topLevelKeys: root.stringKeys)
            }
            let count = try checkSizes(description, key: key, file: file, limits: limits)
            guard budget.take(count) else {
                throw ModelFileError.tooLarge(
                    file: file, detail: "tensor '\(key)' of shape \(description.shape) brings the state dict to more "
                        + "than \(limits.maximumElements) elements (CheckpointLimits.maximumElements)")
            }
            let bytes = try storageBytes(description.storage)
            tensors.append((key, try tensor(description, count: count, bytes: bytes, key: key, file: file)))
        }
        return StateDict(file: file, entries: tensors)
    }

    /// Checks the storage's declared size and the tensor's shape; returns the tensor's element count.
    static func checkSizes(_ d: PickledTensor, key: String, file: String, limits: CheckpointLimits) throws -> Int {
        let storage = d.storage
        guard storage.count >= 0 else {
            throw ModelFileError.corrupt(file: file, detail: "storage of '\(key)' declares \(storage.count) elements")
        }
        guard let storageBytes = CheckedSize.product(storage.count, storage.elementType.byteCount),
              storageBytes <= limits.maximumBytes else {
            throw ModelFileError.tooLarge(
                file: file, detail: "tensor '\(key)' refers to storage '\(storage.key)' of \(storage.count) "
                    + "\(storage.elementType.rawValue) elements, more than \(limits.maximumBytes) bytes "
                    + "(CheckpointLimits.maximumBytes)")
        }
        guard d.shape.allSatisfy({ $0 >= 0 }), d.storageOffset >= 0 else {
            throw ModelFileError.corrupt(file: file, detail: "tensor '\(key)' has a negative extent or offset")
        }
        guard let count = CheckedSize.elementCount(d.shape) else {
            throw ModelFileError.tooLarge(
                file: file, detail: "tensor '\(key)' has shape \(d.shape), whose element count overflows 64 bits")
        }
        return count
    }

    /// Gathers a (possibly strided) view out of a storage's little-endian bytes, converting to Float32.
    /// `count` is the view's element count (from `checkSizes`).
    static func tensor(_ d: PickledTensor, count: Int, bytes: ArraySlice<UInt8>, key: String,
                       file: String) throws -> Tensor {
        let type = d.storage.elementType
        let size = type.byteCount
        let declared = d.storage.count * size // checked by `checkSizes`
        guard bytes.count >= declared else {
            throw ModelFileError.truncated(
                file: file, detail: "storage of '\(key)' has \(bytes.count) bytes, needs \(declared)")
        }
        let available = bytes.count / size
        guard d.storageOffset <= available else {
            throw ModelFileError.corrupt(
                file: file, detail: "tensor '\(key)' starts at element \(d.storageOffset) of a \(available)-element storage")
        }
        if count == 0 { return Tensor(shape: d.shape, scalars: []) }
        guard d.strides.allSatisfy({ $0 >= 0 }), let last = lastElement(d), last < available else {
            throw ModelFileError.corrupt(
                file: file, detail: "tensor '\(key)' (shape \(d.shape), strides \(d.strides), offset "
                    + "\(d.storageOffset)) reaches past the end of its \(available)-element storage")
        }
        // Every partial product of the shape is at most `count`, so this cannot overflow.
        var expected = 1, contiguous = true
        for (extent, stride) in zip(d.shape, d.strides).reversed() {
            if extent > 1 && stride != expected { contiguous = false }
            expected *= extent
        }
        let base = bytes.startIndex
        if contiguous {
            let start = base + d.storageOffset * size
            return Tensor(shape: d.shape, scalars: decode(bytes[start..<(start + count * size)], type: type))
        }
        var scalars = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: d.shape.count)
        bytes.withUnsafeBytes { raw in
            for flat in 0..<count {
                var source = d.storageOffset
                for axis in 0..<index.count { source += index[axis] * d.strides[axis] }
                scalars[flat] = element(raw, type, source)
                var axis = index.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < d.shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: d.shape, scalars: scalars)
    }

    /// The storage index of a non-empty view's last element, or nil if it does not fit in `Int`.
    private static func lastElement(_ d: PickledTensor) -> Int? {
        var last = d.storageOffset
        for (extent, stride) in zip(d.shape, d.strides) {
            guard let step = CheckedSize.product(extent - 1, stride), let sum = CheckedSize.sum(last, step) else {
                return nil
            }
            last = sum
        }
        return last
    }

    /// Element `i` of little-endian storage bytes, as Float32.
    private static func element(_ raw: UnsafeRawBufferPointer, _ type: StorageElementType, _ i: Int) -> Float {
        switch type {
        case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .float64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        case .float16: return Float(halfBits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .bfloat16: return Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
        case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .int16: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .int8: return Float(Int8(bitPattern: raw[i]))
        case .uint8, .bool: return Float(raw[i])
        }
    }

    /// Decodes little-endian elements of `type` to Float32 (a trailing partial element is ignored).
    static func decode(_ bytes: ArraySlice<UInt8>, type: StorageElementType) -> [Float] {
        let n = bytes.count / type.byteCount
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<n { out[i] = element(raw, type, i) }
            }
            initialized = n
        }
    }
}

extension Float {
    /// IEEE 754 binary16 bits to Float32 (exact; handles subnormals, infinities and NaN).
    init(halfBits h: UInt16) {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: self = sign * mantissa * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: self = mantissa == 0 ? sign * .infinity : .nan
        default: self = sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
