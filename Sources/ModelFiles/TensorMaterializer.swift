import Tensors

/// Turns pickled tensor descriptions into `Tensor`s, given a way to fetch each storage's raw bytes.
enum TensorMaterializer {
    /// Finds the state dict in a checkpoint's root object and reads its tensors.
    static func stateDict(from root: PickleValue, file: String,
                          storageBytes: (PickledStorage) throws -> [UInt8]) throws -> StateDict {
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
        var tensors: [(String, Tensor)] = []
        for entry in entries {
            guard case let .string(key) = entry.key, case let .tensor(description) = entry.value else {
                throw ModelFileError.noStateDict(file: file, topLevelKeys: root.stringKeys)
            }
            let bytes = try storageBytes(description.storage)
            tensors.append((key, try tensor(description, bytes: bytes, key: key, file: file)))
        }
        return StateDict(file: file, entries: tensors)
    }

    /// Gathers a (possibly strided) view out of a storage's little-endian bytes, converting to Float32.
    static func tensor(_ d: PickledTensor, bytes: [UInt8], key: String, file: String) throws -> Tensor {
        let size = d.storage.elementType.byteCount
        let available = bytes.count / size
        guard bytes.count >= d.storage.count * size else {
            throw ModelFileError.truncated(
                file: file, detail: "storage of '\(key)' has \(bytes.count) bytes, needs \(d.storage.count * size)")
        }
        let count = d.shape.reduce(1, *)
        guard d.shape.allSatisfy({ $0 >= 0 }), d.storageOffset >= 0 else {
            throw ModelFileError.corrupt(file: file, detail: "tensor '\(key)' has a negative extent or offset")
        }
        if count > 0 {
            let last = d.storageOffset + zip(d.shape, d.strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
            guard last < available, d.strides.allSatisfy({ $0 >= 0 }) else {
                throw ModelFileError.corrupt(
                    file: file, detail: "tensor '\(key)' reaches element \(last) of a \(available)-element storage")
            }
        }
        let elements = try decode(bytes, type: d.storage.elementType, key: key, file: file)
        let contiguous = zip(d.shape, d.strides).reversed().reduce((true, 1)) { state, pair in
            (state.0 && (pair.0 <= 1 || pair.1 == state.1), state.1 * pair.0)
        }.0
        if contiguous {
            return Tensor(shape: d.shape, scalars: Array(elements[d.storageOffset..<(d.storageOffset + count)]))
        }
        var scalars = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: d.shape.count)
        for flat in 0..<count {
            var source = d.storageOffset
            for axis in 0..<index.count { source += index[axis] * d.strides[axis] }
            scalars[flat] = elements[source]
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < d.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: d.shape, scalars: scalars)
    }

    /// Decodes little-endian elements of `type` to Float32.
    static func decode(_ bytes: [UInt8], type: StorageElementType, key: String, file: String) throws -> [Float] {
        let n = bytes.count / type.byteCount
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { dst in
                switch type {
                case .float32:
                    for i in 0..<n { dst[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                case .float64:
                    for i in 0..<n { dst[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
                case .float16:
                    for i in 0..<n { dst[i] = Float(halfBits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                case .bfloat16:
                    for i in 0..<n { dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
                case .int64:
                    for i in 0..<n { dst[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
                case .int32:
                    for i in 0..<n { dst[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
                case .int16:
                    for i in 0..<n { dst[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
                case .int8:
                    for i in 0..<n { dst[i] = Float(Int8(bitPattern: raw[i])) }
                case .uint8, .bool:
                    for i in 0..<n { dst[i] = Float(raw[i]) }
                }
            }
        }
        return out
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
