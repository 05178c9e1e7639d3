import Foundation

/// Why a model, weight or array file could not be read or written. Every case names the file and, where it
/// applies, the key; `description` says what to do about it.
public enum ModelFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read at all.
    case unreadable(file: String, reason: String)
    /// The file ends before a structure it announces is complete (a partial download or copy).
    case truncated(file: String, detail: String)
    /// The bytes are not in any format this reader knows.
    case unrecognizedFormat(file: String, detail: String)
    /// The container is recognisable but internally inconsistent.
    case corrupt(file: String, detail: String)
    /// The pickle names a global (a callable or class) outside the allow-list; nothing was executed.
    case disallowedGlobal(file: String, module: String, name: String)
    /// The pickle uses an opcode this safe unpickler does not implement.
    case unsupportedPickleOpcode(file: String, opcode: UInt8, offset: Int)
    /// The checkpoint holds no state dict where one was expected.
    case noStateDict(file: String, topLevelKeys: [String])
    /// A tensor uses an element type that cannot be converted to Float32.
    case unsupportedElementType(file: String, key: String, type: String)
    /// A key the model needs is absent.
    case missingKey(file: String, key: String, available: [String])
    /// A tensor has a different shape from the one the model needs.
    case wrongShape(file: String, key: String, expected: [Int], found: [Int])
    /// The checkpoint holds tensors the model does not use.
    case unusedKeys(file: String, keys: [String])
    /// The file announces more than a documented limit allows (`CheckpointLimits`, `NumpyFile.maximumBytes`): a
    /// storage, shape or zip entry too large to be genuine. Refused before any memory was allocated for it.
    case tooLarge(file: String, detail: String)
    /// An array cannot be written (e.g. a shape that does not match its element count) or the write failed.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason)). Check the path and its permissions."
        case let .truncated(file, detail):
            return "\(file): the file is truncated (\(detail)). Copy or download it again."
        case let .unrecognizedFormat(file, detail):
            return "\(file): not a PyTorch .pth (zip or legacy), safetensors or .npy file (\(detail))."
        case let .corrupt(file, detail):
            return "\(file): the file is damaged (\(detail)). Re-export it with torch.save or safetensors."
        case let .disallowedGlobal(file, module, name):
            return "\(file): refusing to load: the pickle references the global '\(module).\(name)', which is "
                + "not a tensor or plain container type (only collections.OrderedDict, "
                + "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage are "
                + "allowed). Nothing was executed. Re-save only the state dict (torch.save({'model_state_dict': "
                + "model.state_dict()})) or convert it to safetensors."
        case let .unsupportedPickleOpcode(file, opcode, offset):
            return "\(file): unsupported pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset). "
                + "Re-save the checkpoint with torch.save (pickle protocol 2) or convert it to safetensors."
        case let .noStateDict(file, keys):
            return "\(file): no state dict found (top-level keys: \(keys.joined(separator: ", "))). Expected a "
                + "dict of tensors, or one under 'model_state_dict' or 'state_dict'."
        case let .unsupportedElementType(file, key, type):
            return "\(file): tensor '\(key)' has element type \(type), which cannot be read as Float32. "
                + "Convert the weights to float32 before saving."
        case let .missingKey(file, key, available):
            let shown = available.prefix(8).joined(separator: ", ")
            return "\(file): missing tensor '\(key)' (the file has \(available.count) tensors: \(shown)"
                + "\(available.count > 8 ? ", ..." : "")). Is this an IMPALA policy checkpoint?"
        case let .wrongShape(file, key, expected, found):
            return "\(file): tensor '\(key)' has shape \(found), but the network needs \(expected). "
                + "The checkpoint belongs to a different architecture or scale."
        case let .unusedKeys(file, keys):
            return "\(file): the checkpoint has tensors the network does not use: "
                + "\(keys.prefix(8).joined(separator: ", "))\(keys.count > 8 ? ", ..." : ""). "
                + "It belongs to a different architecture."
        case let .tooLarge(file, detail):
            return "\(file): refusing to load: \(detail). The file is damaged or not a policy checkpoint or array "
                + "(nothing was allocated for it); re-export it, or split a genuinely larger array."
        case let .unwritable(file, reason):
            return "\(file): cannot write (\(reason))."
        }
    }

    public var errorDescription: String? { description }
}
