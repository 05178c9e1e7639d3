import Foundation
import MazeSimulation

/// A request the API refuses: the HTTP status, the JSON field at fault (nil when the request as a whole is)
/// and what to do. Sent as `{"error": message, "field": field}`.
public struct ExplorerRequestError: Error, Equatable, CustomStringConvertible {
    public let status: Int
    public let field: String?
    public let message: String

    public init(status: Int = 400, field: String?, _ message: String) {
        self.status = status
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

/// Limits that keep one request's cost bounded.
public enum ExplorerLimits {
    /// Largest request body accepted, in bytes (a maze with every cell toggled fits in a few kilobytes).
    public static let maxBodyBytes = 64 * 1024
    /// Most wall toggles in one request (every cell of the largest maze).
    public static let maxWallEdits = 25 * 25
    /// Most patch specs composed in one request, and the longest SPEC text.
    public static let maxPatches = 16
    public static let maxPatchLength = 400
    /// Most steps of one rollout (procgen's own episode limit).
    public static let maxRolloutSteps = MazeState.timeout
}

/// A parsed JSON value, with booleans kept apart from numbers (which `JSONSerialization` does not do portably).
enum JSONNode: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONNode]), object([String: JSONNode])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONNode].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONNode].self)) }
    }

    /// The whole number this is, if it is one.
    var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    /// Compact JSON text for this value (objects with sorted keys).
    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): Self.quoted(value)
        case .array(let values): "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.keys.sorted().map { Self.quoted($0) + ":" + members[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A JSON object from a request body, read field by field so that every refusal names its field.
struct RequestFields {
    private let object: [String: JSONNode]

    /// Parses `body` as one JSON object (an empty body is an empty object).
    /// - Throws: `ExplorerRequestError` (400) when it is not one.
    init(body: Data) throws(ExplorerRequestError) {
        if body.isEmpty {
            object = [:]
            return
        }
        let parsed: JSONNode
        do {
            parsed = try JSONDecoder().decode(JSONNode.self, from: body)
        } catch {
            throw ExplorerRequestError(field: nil, "the body is not JSON; send one object such as {\"seed\": 54}")
        }
        guard case .object(let members) = parsed else {
            throw ExplorerRequestError(field: nil, "the body must be a JSON object such as {\"seed\": 54}")
        }
        object = members
    }

    init(_ object: [String: JSONNode]) { self.object = object }

    /// Whether the body names `key` at all (`"cheese": null` counts).
    func has(_ key: String) -> Bool { object[key] != nil }

    /// Whether `key` is given as `null`.
    func isNull(_ key: String) -> Bool {
        if case .null = object[key] { return true }
        return false
    }

    /// Refuses any key not in `known`, so that a misspelt option is not silently ignored.
    func rejectUnknown(_ known: Set<String>) throws(ExplorerRequestError) {
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ExplorerRequestError(field: unknown, "unknown field; known fields are \(known.sorted().joined(separator: ", "))")
        }
    }

    private func value(_ key: String) -> JSONNode? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ExplorerRequestError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.int else {
            throw ExplorerRequestError(field: key, "must be a whole number in \(range.lowerBound) ... \(range.upperBound)")
        }
        guard range.contains(int) else {
            throw ExplorerRequestError(field: key, "\(int) is outside \(range.lowerBound) ... \(range.upperBound)")
        }
        return int
    }

    func bool(_ key: String) throws(ExplorerRequestError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw ExplorerRequestError(field: key, "must be true or false") }
        return flag
    }

    func string(_ key: String, maxLength: Int = 200) throws(ExplorerRequestError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw ExplorerRequestError(field: key, "must be a string") }
        guard text.count <= maxLength else { throw ExplorerRequestError(field: key, "is longer than \(maxLength) characters") }
        return text
    }

    /// `[x, y]` maze coordinates.
    func point(_ key: String) throws(ExplorerRequestError) -> MazePoint? {
        guard let value = value(key) else { return nil }
        return try Self.point(value, field: key)
    }

    /// A list of `[x, y]` maze coordinates, at most `limit` of them.
    func points(_ key: String, limit: Int) throws(ExplorerRequestError) -> [MazePoint] {
        guard let value = value(key) else { return [] }
        guard case .array(let list) = value else { throw ExplorerRequestError(field: key, "must be a list of [x, y] cells") }
        guard list.count <= limit else { throw ExplorerRequestError(field: key, "has \(list.count) cells; at most \(limit)") }
        var result: [MazePoint] = []
        for (index, item) in list.enumerated() { result.append(try Self.point(item, field: "\(key)[\(index)]")) }
        return result
    }

    /// Whole numbers, at most `limit`.
    func ints(_ key: String, limit: Int) throws(ExplorerRequestError) -> [Int]? {
        guard let value = value(key) else { return nil }
        guard case .array(let list) = value, list.count <= limit else {
            throw ExplorerRequestError(field: key, "must be a list of at most \(limit) whole numbers")
        }
        var result: [Int] = []
        for (index, item) in list.enumerated() {
            guard let int = item.int else { throw ExplorerRequestError(field: "\(key)[\(index)]", "must be a whole number") }
            result.append(int)
        }
        return result
    }

    /// Patch specs: SPEC strings, or PatchSpec JSON objects (returned as their JSON text).
    func specs(_ key: String) throws(ExplorerRequestError) -> [SpecItem] {
        guard let value = value(key) else { return [] }
        guard case .array(let list) = value else {
            throw ExplorerRequestError(field: key, "must be a list of SPEC strings such as \"cheese:coeff=-1\"")
        }
        guard list.count <= ExplorerLimits.maxPatches else {
            throw ExplorerRequestError(field: key, "has \(list.count) patches; at most \(ExplorerLimits.maxPatches)")
        }
        var result: [SpecItem] = []
        for (index, item) in list.enumerated() {
            let field = "\(key)[\(index)]"
            switch item {
            case .string(let text):
                guard text.count <= ExplorerLimits.maxPatchLength else {
                    throw ExplorerRequestError(field: field, "is longer than \(ExplorerLimits.maxPatchLength) characters")
                }
                result.append(.text(text))
            case .object:
                result.append(.json(Data(item.text.utf8)))
            default:
                throw ExplorerRequestError(field: field, "must be a SPEC string such as \"cheese:coeff=-1\" or a PatchSpec object")
            }
        }
        return result
    }

    enum SpecItem {
        case text(String)
        case json(Data)
    }

    private static func point(_ value: JSONNode, field: String) throws(ExplorerRequestError) -> MazePoint {
        guard case .array(let pair) = value, pair.count == 2, let x = pair[0].int, let y = pair[1].int else {
            throw ExplorerRequestError(field: field, "must be a cell [x, y] in maze coordinates (x right, y up)")
        }
        return MazePoint(x: x, y: y)
    }
}
