/// A JSON value written with its keys in the order given, for one-object-per-line output that reads like the
/// reference files. Numbers keep Swift's shortest round-tripping form.
public indirect enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// A Float32 written in its own shortest round-tripping form (`0.1`, not `0.10000000149011612`).
    case float(Float)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }

    /// `[a, b]` of integers.
    public static func pair(_ a: Int, _ b: Int) -> JSONValue { .array([.int(a), .int(b)]) }
    /// An array of reals, each in its own type's shortest round-tripping form: Float32 elements as `.float`
    /// (`0.1`, not the widened `0.10000000149011612`), others as doubles.
    public static func numbers<S: Sequence>(_ values: S) -> JSONValue where S.Element: BinaryFloatingPoint {
        .array(values.map { value in (value as? Float).map(JSONValue.float) ?? .double(Double(value)) })
    }
    /// An array of Float32 values, each written as `.float`.
    public static func floats<S: Sequence>(_ values: S) -> JSONValue where S.Element == Float {
        .array(values.map { .float($0) })
    }

    /// Compact JSON text (no spaces after separators except `", "` and `": "`, like Python's json.dumps).
    public var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// JSON text indented by two spaces per level, one member or element per line (for files people read,
    /// such as `run.json`); empty arrays and objects stay on one line.
    public var indentedText: String {
        var output = ""
        writeIndented(to: &output, depth: 0)
        return output
    }

    private func writeIndented(to output: inout String, depth: Int) {
        let pad = String(repeating: "  ", count: depth + 1), closing = String(repeating: "  ", count: depth)
        switch self {
        case .array(let values) where !values.isEmpty:
            output += "[\n"
            for (index, value) in values.enumerated() {
                output += pad
                value.writeIndented(to: &output, depth: depth + 1)
                output += index + 1 < values.count ? ",\n" : "\n"
            }
            output += closing + "]"
        case .object(let members) where !members.isEmpty:
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += pad
                Self.writeString(key, to: &output)
                output += ": "
                value.writeIndented(to: &output, depth: depth + 1)
                output += index + 1 < members.count ? ",\n" : "\n"
            }
            output += closing + "}"
        default:
            write(to: &output)
        }
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value):
            if value.isNaN { output += "NaN" } else if value.isInfinite { output += value > 0 ? "Infinity" : "-Infinity" } else {
                output += "\(value)"
            }
        case .float(let value):
            if value.isNaN { output += "NaN" } else if value.isInfinite { output += value > 0 ? "Infinity" : "-Infinity" } else {
                output += "\(value)"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += ", " }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += ", " }
                Self.writeString(key, to: &output)
                output += ": "
                value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
