/// Why a patch or a patch SPEC could not be built or applied. Messages name the layer, the key or the
/// text at fault and what would be accepted.
public enum PatchError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(layer: String, expected: [Int], found: [Int])
    case channelOutOfRange(layer: String, channel: Int, count: Int)
    case cellOutOfRange(layer: String, cell: ChannelCell, height: Int, width: Int)
    case notSpatial(layer: String, patch: String)
    case invalidSpec(spec: String, reason: String)
    case unknownKind(spec: String, kind: String, valid: [String])
    case unknownKey(spec: String, key: String, valid: [String])
    case invalidValue(spec: String, key: String, value: String, expected: String)
    case missingValue(spec: String, key: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, found):
            return "patch at '\(layer)': the vector has shape \(found), the site needs \(expected) per observation"
        case let .channelOutOfRange(layer, channel, count):
            return "patch at '\(layer)': channel \(channel) does not exist (the site has channels 0..<\(count))"
        case let .cellOutOfRange(layer, cell, height, width):
            return "patch at '\(layer)': cell \(cell) is outside the \(height)x\(width) channel map"
        case let .notSpatial(layer, patch):
            return "patch '\(patch)' needs a channel map, but '\(layer)' is a flat layer; choose a conv layer"
        case let .invalidSpec(spec, reason):
            return "patch '\(spec)': \(reason). Form: KIND[:key=value,...], e.g. cheese:coeff=-1"
        case let .unknownKind(spec, kind, valid):
            return "patch '\(spec)': unknown kind '\(kind)'; valid kinds: \(valid.joined(separator: ", "))"
        case let .unknownKey(spec, key, valid):
            return "patch '\(spec)': unknown key '\(key)'; this kind takes: \(valid.joined(separator: ", "))"
        case let .invalidValue(spec, key, value, expected):
            return "patch '\(spec)': \(key)=\(value) is not valid; expected \(expected)"
        case let .missingValue(spec, key):
            return "patch '\(spec)': missing required key '\(key)'"
        }
    }
}
