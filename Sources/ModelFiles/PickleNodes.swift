/// The allow-listed globals a pickle may name.
enum AllowedGlobal: Equatable {
    case orderedDict, rebuildTensor, rebuildParameter
    case storageType(StorageElementType)

    var qualifiedName: (module: String, name: String) {
        switch self {
        case .orderedDict: return ("collections", "OrderedDict")
        case .rebuildTensor: return ("torch._utils", "_rebuild_tensor_v2")
        case .rebuildParameter: return ("torch._utils", "_rebuild_parameter")
        case let .storageType(type): return ("torch", type.rawValue)
        }
    }
}

/// The containers one `load` has built; `dismantle` empties them one by one (no recursion), which frees
/// self-referencing ones and lets deeply nested ones be released without deep recursion.
struct ContainerRegistry {
    private var lists: [ListBox] = []
    private var dicts: [DictBox] = []

    mutating func list(_ items: [Node]) -> ListBox {
        let box = ListBox(items)
        lists.append(box)
        return box
    }

    mutating func dict() -> DictBox {
        let box = DictBox()
        dicts.append(box)
        return box
    }

    mutating func dismantle() {
        for box in lists { box.items = [] }
        for box in dicts { box.entries = [] }
        lists = []
        dicts = []
    }
}

/// Mutable list storage shared between the stack and the memo while unpickling.
final class ListBox {
    var items: [Node]
    init(_ items: [Node]) { self.items = items }
}

/// Mutable dict storage shared between the stack and the memo while unpickling.
final class DictBox {
    var entries: [(Node, Node)] = []

    func add(pairs: [Node], _ offset: Int, _ unpickler: SafeUnpickler) throws {
        guard pairs.count % 2 == 0 else { throw unpickler.corrupt("odd number of dict items", offset) }
        for i in stride(from: 0, to: pairs.count, by: 2) { entries.append((pairs[i], pairs[i + 1])) }
    }
}

/// A value on the unpickler's stack: lists, dicts and sets are references, as in Python, so later
/// APPEND/SETITEM opcodes reach every place the memo handed them to.
enum Node {
    case plain(PickleValue)
    /// A tuple and how deeply tuples nest in it (1 for a tuple of non-tuples; a list, dict or set counts as 0,
    /// since `ContainerRegistry.dismantle` releases their contents separately).
    case tuple([Node], depth: Int)
    case list(ListBox)
    case dict(DictBox)
    case set(ListBox)
    case global(AllowedGlobal)
    case storage(PickledStorage)
    case tensor(PickledTensor)

    var kind: String {
        switch self {
        case .plain: return "a plain value"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        case .set: return "a set"
        case .global: return "a global"
        case .storage: return "a storage"
        case .tensor: return "a tensor"
        }
    }

    /// How deeply pickled values may nest (tuples while unpickling; every container when converting).
    static let maximumDepth = 200

    var depth: Int {
        if case let .tuple(_, depth) = self { return depth }
        return 0
    }

    var intTuple: [Int]? {
        guard case let .tuple(items, _) = self else { return nil }
        var result: [Int] = []
        for item in items {
            guard case let .plain(.int(i)) = item else { return nil }
            result.append(i)
        }
        return result
    }

    /// Converts to an immutable value, taking one from `budget` per value produced; a self-referencing
    /// structure, or one that expands (through shared memo entries) past the budget, is reported as corrupt.
    func value(depth: Int, budget: inout Int, file: String) throws -> PickleValue {
        guard depth < Node.maximumDepth else {
            throw ModelFileError.corrupt(
                file: file, detail: "pickle nests deeper than \(Node.maximumDepth) levels or refers to itself")
        }
        guard budget > 0 else {
            throw ModelFileError.corrupt(
                file: file, detail: "pickle expands to more than 8 values per byte through repeated memo references")
        }
        budget -= 1
        func convert(_ node: Node) throws -> PickleValue { try node.value(depth: depth + 1, budget: &budget, file: file) }
        switch self {
        case let .plain(v): return v
        case let .tuple(items, _): return .tuple(try items.map(convert))
        case let .list(box): return .list(try box.items.map(convert))
        case let .set(box): return .set(try box.items.map(convert))
        case let .dict(box):
            return .dict(try box.entries.map { PickleDictEntry(key: try convert($0.0), value: try convert($0.1)) })
        case let .global(g): return .global(module: g.qualifiedName.module, name: g.qualifiedName.name)
        case let .storage(s): return .storage(s)
        case let .tensor(t): return .tensor(t)
        }
    }
}

/// Bounds-checked little-endian reading over a byte array; running off the end is a `.truncated` error.
struct ByteReader {
    let bytes: [UInt8]
    var position: Int
    let file: String

    private func need(_ n: Int) throws {
        guard n >= 0, position + n <= bytes.count else {
            throw ModelFileError.truncated(
                file: file, detail: "needed \(n) bytes at byte \(position), the data ends at \(bytes.count)")
        }
    }

    mutating func byte() throws -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    mutating func unsigned(_ n: Int) throws -> UInt64 {
        try need(n)
        var value: UInt64 = 0
        for i in 0..<n { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += n
        return value
    }

    mutating func bigEndian(_ n: Int) throws -> UInt64 {
        try need(n)
        var value: UInt64 = 0
        for i in 0..<n { value = value << 8 | UInt64(bytes[position + i]) }
        position += n
        return value
    }

    /// A little-endian length field of `n` bytes, checked against the remaining data.
    mutating func length(_ n: Int, _ offset: Int) throws -> Int {
        let raw = try unsigned(n)
        guard raw <= UInt64(bytes.count) else {
            throw ModelFileError.truncated(
                file: file, detail: "a \(raw)-byte item at byte \(offset) is longer than the data")
        }
        return Int(raw)
    }

    mutating func utf8(_ n: Int) throws -> String {
        String(decoding: try bytes(n), as: UTF8.self)
    }

    /// Bytes up to (not including) the next newline, which is consumed.
    mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else {
            throw ModelFileError.truncated(file: file, detail: "unterminated text field at byte \(position)")
        }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
}
