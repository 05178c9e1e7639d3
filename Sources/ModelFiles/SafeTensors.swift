import Foundation
import Tensors

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the header), then data.
/// Each tensor's bytes must lie inside the file, so a tensor is never larger than the file; all of them
/// together, as Float32, are also held to `CheckpointLimits.maximumElements`.
enum SafeTensors {
    static func looksLikeSafeTensors(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 9 && bytes[8] == UInt8(ascii: "{")
    }

    static func load(bytes: [UInt8], file: String, limits: CheckpointLimits) throws -> StateDict {
        guard bytes.count >= 8 else { throw ModelFileError.truncated(file: file, detail: "no safetensors header") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard headerLength > 0, headerLength <= bytes.count - 8 else {
            throw ModelFileError.truncated(
                file: file, detail: "the header announces \(headerLength) bytes, the file has \(bytes.count - 8) after it")
        }
        let header: [String: Any]
        do {
            let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)]))
            guard let object = json as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
            header = object
        } catch {
            throw ModelFileError.corrupt(file: file, detail: "safetensors header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        var described: [(begin: Int, key: String, tensor: Tensor)] = []
        var budget = SizeBudget(limit: limits.maximumElements)
        for (key, value) in header where key != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = integers(info["shape"]), let offsets = integers(info["data_offsets"]), offsets.count == 2
            else { throw ModelFileError.corrupt(file: file, detail: "safetensors entry '\(key)' is malformed") }
            guard let type = elementType(dtype) else {
                throw ModelFileError.unsupportedElementType(file: file, key: key, type: dtype)
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= bytes.count - dataStart else {
                throw ModelFileError.truncated(
                    file: file, detail: "tensor '\(key)' occupies bytes \(begin)..<\(end) after the header, the file "
                        + "has \(bytes.count - dataStart)")
            }
            guard let count = CheckedSize.elementCount(shape), end - begin == count * type.byteCount else {
                throw ModelFileError.corrupt(
                    file: file, detail: "tensor '\(key)' has shape \(shape), which does not fill its \(end - begin) bytes")
            }
            guard budget.take(count) else {
                throw ModelFileError.tooLarge(
                    file: file, detail: "tensor '\(key)' brings the file to more than \(limits.maximumElements) elements "
                        + "(CheckpointLimits.maximumElements)")
            }
            let scalars = TensorMaterializer.decode(bytes[(dataStart + begin)..<(dataStart + end)], type: type)
            described.append((begin, key, Tensor(shape: shape, scalars: scalars)))
        }
        // JSON objects are unordered: restore file order from the data offsets.
        described.sort { ($0.begin, $0.key) < ($1.begin, $1.key) }
        return StateDict(file: file, entries: described.map { ($0.key, $0.tensor) })
    }

    /// A JSON array of whole numbers that fit in `Int`, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [Any] else { return nil }
        var result: [Int] = []
        for number in numbers {
            // Through Double: exact for every size a real file can have, and never a trap (NSNumber.intValue of
            // 1e300 is not defined).
            guard let number = number as? NSNumber, let integer = Int(exactly: number.doubleValue) else { return nil }
            result.append(integer)
        }
        return result
    }

    private static func elementType(_ dtype: String) -> StorageElementType? {
        switch dtype {
        case "F32": return .float32
        case "F64": return .float64
        case "F16": return .float16
        case "BF16": return .bfloat16
        case "I64": return .int64
        case "I32": return .int32
        case "I16": return .int16
        case "I8": return .int8
        case "U8": return .uint8
        case "BOOL": return .bool
        default: return nil
        }
    }
}
