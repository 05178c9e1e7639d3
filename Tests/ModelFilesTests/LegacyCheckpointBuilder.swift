import Foundation

/// Writes small checkpoints in PyTorch's legacy (pre-1.6) layout, opcode by opcode, so tests can cover
/// containers the reference files do not use: a bare state dict, `{'state_dict': ...}`, parameters and
/// non-contiguous tensors.
struct LegacyCheckpointBuilder {
    struct TensorSpec {
        var key: String
        var storageKey: String
        var storage: [Float]
        var offset: Int
        var shape: [Int]
        var strides: [Int]
        var asParameter = false
    }

    enum Root { case bare, stateDict, modelStateDict }

    static func bytes(_ tensors: [TensorSpec], root: Root) -> [UInt8] {
        var out: [UInt8] = []
        // Magic number, protocol version, system info.
        out += [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        out += [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        out += [0x80, 0x02, 0x7D] + string("little_endian") + [0x88, 0x73, 0x2E]
        // The object.
        var object: [UInt8] = [0x80, 0x02]
        if root != .bare { object += [0x7D] + string(root == .stateDict ? "state_dict" : "model_state_dict") }
        object += global("collections", "OrderedDict") + [0x29, 0x52]
        for tensor in tensors {
            object += string(tensor.key)
            if tensor.asParameter { object += global("torch._utils", "_rebuild_parameter") + [0x28] }
            object += global("torch._utils", "_rebuild_tensor_v2") + [0x28]
            object += [0x28] + string("storage") + global("torch", "FloatStorage") + string(tensor.storageKey)
                + string("cpu") + int(tensor.storage.count) + [0x4E, 0x74, 0x51]
            object += int(tensor.offset) + tuple(tensor.shape) + tuple(tensor.strides) + [0x89]
            object += global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
            if tensor.asParameter { object += [0x89] + global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52] }
            object += [0x73]
        }
        if root != .bare { object += [0x73] }
        out += object + [0x2E]
        // Storage keys, then the storages.
        out += [0x80, 0x02, 0x5D, 0x28] + tensors.flatMap { string($0.storageKey) } + [0x65, 0x2E]
        for tensor in tensors {
            withUnsafeBytes(of: Int64(tensor.storage.count).littleEndian) { out += $0 }
            for value in tensor.storage { withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 } }
        }
        return out
    }

    static func string(_ s: String) -> [UInt8] {
        let utf8 = Array(s.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian, Array.init) + utf8
    }

    static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    static func int(_ value: Int) -> [UInt8] {
        [0x4A] + withUnsafeBytes(of: Int32(value).littleEndian, Array.init)
    }

    static func tuple(_ values: [Int]) -> [UInt8] {
        [0x28] + values.flatMap(int) + [0x74]
    }
}
