/// A pickle reader that builds data and never executes anything.
///
/// It implements the opcodes of protocols 0-5 that data-only pickles use (what `torch.save` writes with
/// protocol 2, plus the text, framing and short-string forms of the others). Globals are checked against an
/// allow-list the moment they are named: `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`,
/// `torch._utils._rebuild_parameter` and the `torch.*Storage` types. Any other global, and any opcode that
/// could construct arbitrary objects (INST, OBJ, extension registry, out-of-band buffers), is refused.
/// Persistent ids of the form `('storage', torch.XStorage, key, location, numel, ...)` become `.storage`.
///
/// Bounded by construction: tuples nest at most 200 deep, and a pickle of `n` bytes yields at most
/// `8n + 4096` values once memo references are expanded (a few bytes of `BINGET`s could otherwise describe a
/// tree of 2^200 nodes); either excess is refused as `.corrupt` before the values are built.
public struct SafeUnpickler {
    /// Name of the source, used in error messages.
    public let file: String
    private var reader: ByteReader
    private var stack: [Node] = []
    private var marks: [Int] = []
    private var memo: [Int: Node] = [:]
    /// Every list, dict and set built, so that `load` can empty them at the end: that breaks reference cycles
    /// (a list appended to itself) and keeps the release of nested containers from recursing deeply.
    private var boxes = ContainerRegistry()

    /// Prepares to read a pickle starting at `offset` of `bytes`.
    public init(bytes: [UInt8], offset: Int = 0, file: String) {
        self.file = file
        reader = ByteReader(bytes: bytes, position: offset, file: file)
    }

    /// Where the next pickle would start (after `load()`: just past this pickle's STOP).
    public var position: Int { reader.position }

    /// Reads one pickle up to its STOP opcode.
    /// - Throws: `ModelFileError.disallowedGlobal`, `.unsupportedPickleOpcode`, `.truncated`, `.corrupt`.
    public mutating func load() throws -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        defer {
            stack = []
            memo = [:]
            boxes.dismantle()
        }
        while true {
            let offset = reader.position
            let opcode = try reader.byte()
            if opcode == 0x2E { // STOP
                guard let top = stack.popLast() else { throw corrupt("STOP with an empty stack", offset) }
                var budget = CheckedSize.sum(CheckedSize.product(reader.bytes.count, 8) ?? .max, 4096) ?? .max
                return try top.value(depth: 0, budget: &budget, file: file)
            }
            try execute(opcode, at: offset)
        }
    }

    // MARK: - Opcodes

    private mutating func execute(_ op: UInt8, at offset: Int) throws {
        switch op {
        case 0x80: _ = try reader.byte()                                   // PROTO
        case 0x95: _ = try reader.bytes(8)                                 // FRAME (ignore frame length)
        case 0x28: marks.append(stack.count)                               // MARK
        case 0x30: try pop(offset)                                         // POP
        case 0x31: _ = try popMark(offset)                                 // POP_MARK
        case 0x32: guard let top = stack.last else { throw corrupt("DUP on empty stack", offset) }
            stack.append(top)                                              // DUP
        case 0x4E: stack.append(.plain(.none))                             // NONE
        case 0x88: stack.append(.plain(.bool(true)))                       // NEWTRUE
        case 0x89: stack.append(.plain(.bool(false)))                      // NEWFALSE
        case 0x4B: stack.append(.plain(.int(Int(try reader.byte()))))      // BININT1
        case 0x4D: stack.append(.plain(.int(Int(try reader.unsigned(2))))) // BININT2
        case 0x4A: stack.append(.plain(.int(Int(Int32(truncatingIfNeeded: try reader.unsigned(4)))))) // BININT
        case 0x8A: stack.append(.plain(integer(try reader.bytes(Int(try reader.byte())))))            // LONG1
        case 0x8B: stack.append(.plain(integer(try reader.bytes(try reader.length(4, offset)))))      // LONG4
        case 0x49: stack.append(.plain(try textInteger(try reader.line(), offset)))                   // INT
        case 0x4C: stack.append(.plain(try textInteger(try reader.line(), offset)))                   // LONG
        case 0x47: stack.append(.plain(.float(Double(bitPattern: try reader.bigEndian(8)))))          // BINFLOAT
        case 0x46: guard let d = Double(try reader.line()) else { throw corrupt("bad FLOAT", offset) }
            stack.append(.plain(.float(d)))                                                          // FLOAT
        case 0x58: stack.append(.plain(.string(try reader.utf8(try reader.length(4, offset)))))       // BINUNICODE
        case 0x8C: stack.append(.plain(.string(try reader.utf8(Int(try reader.byte())))))            // SHORT_BINUNICODE
        case 0x8D: stack.append(.plain(.string(try reader.utf8(try reader.length(8, offset)))))       // BINUNICODE8
        case 0x56: stack.append(.plain(.string(try reader.line())))                                  // UNICODE
        case 0x55: stack.append(.plain(.bytes(try reader.bytes(Int(try reader.byte())))))            // SHORT_BINSTRING
        case 0x54: stack.append(.plain(.bytes(try reader.bytes(try reader.length(4, offset)))))       // BINSTRING
        case 0x53: stack.append(.plain(.string(unquote(try reader.line()))))                         // STRING
        case 0x43: stack.append(.plain(.bytes(try reader.bytes(Int(try reader.byte())))))            // SHORT_BINBYTES
        case 0x42: stack.append(.plain(.bytes(try reader.bytes(try reader.length(4, offset)))))       // BINBYTES
        case 0x8E, 0x96: stack.append(.plain(.bytes(try reader.bytes(try reader.length(8, offset))))) // BINBYTES8, BYTEARRAY8
        case 0x29: stack.append(.tuple([], depth: 1))                      // EMPTY_TUPLE
        case 0x74: stack.append(try tuple(try popMark(offset), offset))    // TUPLE
        case 0x85, 0x86, 0x87:                                             // TUPLE1/2/3
            let n = Int(op - 0x84)
            guard stack.count >= n else { throw corrupt("TUPLE\(n) needs \(n) items", offset) }
            stack.append(try tuple(Array(stack.suffix(n)), offset))
            stack.removeSubrange((stack.count - n - 1)..<(stack.count - 1))
        case 0x5D: stack.append(.list(boxes.list([])))                     // EMPTY_LIST
        case 0x6C: stack.append(.list(boxes.list(try popMark(offset))))    // LIST
        case 0x61: let item = try popNode(offset); try list(offset).items.append(item)            // APPEND
        case 0x65: let items = try popMark(offset); try list(offset).items.append(contentsOf: items) // APPENDS
        case 0x7D: stack.append(.dict(boxes.dict()))                       // EMPTY_DICT
        case 0x64: let box = boxes.dict(); try box.add(pairs: try popMark(offset), offset, self)
            stack.append(.dict(box))                                       // DICT
        case 0x73: let value = try popNode(offset), key = try popNode(offset)
            try dict(offset).entries.append((key, value))                  // SETITEM
        case 0x75: let items = try popMark(offset); try dict(offset).add(pairs: items, offset, self) // SETITEMS
        case 0x8F: stack.append(.set(boxes.list([])))                      // EMPTY_SET
        case 0x90: let items = try popMark(offset)                         // ADDITEMS
            guard case let .set(box)? = stack.last else { throw corrupt("ADDITEMS without a set", offset) }
            box.items.append(contentsOf: items)
        case 0x91: stack.append(.set(boxes.list(try popMark(offset))))     // FROZENSET
        case 0x68: try memoGet(Int(try reader.byte()), offset)             // BINGET
        case 0x6A: try memoGet(Int(try reader.unsigned(4)), offset)        // LONG_BINGET
        case 0x67: try memoGet(try textIndex(offset), offset)              // GET
        case 0x71: try memoPut(Int(try reader.byte()), offset)             // BINPUT
        case 0x72: try memoPut(Int(try reader.unsigned(4)), offset)        // LONG_BINPUT
        case 0x70: try memoPut(try textIndex(offset), offset)              // PUT
        case 0x94: try memoPut(memo.count, offset)                         // MEMOIZE
        case 0x63:                                                         // GLOBAL
            let module = try reader.line(), name = try reader.line()
            stack.append(.global(try allowedGlobal(module: module, name: name)))
        case 0x93:                                                         // STACK_GLOBAL
            let name = try popNode(offset), module = try popNode(offset)
            guard case let .plain(.string(n)) = name, case let .plain(.string(m)) = module else {
                throw corrupt("STACK_GLOBAL needs two strings", offset)
            }
            stack.append(.global(try allowedGlobal(module: m, name: n)))
        case 0x52:                                                         // REDUCE
            let args = try popNode(offset), callable = try popNode(offset)
            stack.append(try call(callable, args, offset))
        case 0x81:                                                         // NEWOBJ
            let args = try popNode(offset), cls = try popNode(offset)
            guard case .global(.orderedDict) = cls else { throw corrupt("NEWOBJ of a non-container", offset) }
            _ = args
            stack.append(.dict(boxes.dict()))
        case 0x62:                                                         // BUILD
            let state = try popNode(offset)
            guard let target = stack.last else { throw corrupt("BUILD on empty stack", offset) }
            switch target {
            case .dict, .tensor: break // OrderedDict `_metadata` or tensor attributes: kept out, nothing run
            default: throw corrupt("BUILD on \(target.kind) is not allowed", offset)
            }
            _ = state
        case 0x51: stack.append(try persistent(try popNode(offset), offset)) // BINPERSID
        case 0x50: stack.append(try persistent(.plain(.string(try reader.line())), offset)) // PERSID
        default:
            throw ModelFileError.unsupportedPickleOpcode(file: file, opcode: op, offset: offset)
        }
    }

    // MARK: - Globals and calls

    private func allowedGlobal(module: String, name: String) throws -> AllowedGlobal {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
        case ("torch", _):
            if let type = StorageElementType(rawValue: name) { return .storageType(type) }
        default: break
        }
        throw ModelFileError.disallowedGlobal(file: file, module: module, name: name)
    }

    private mutating func call(_ callable: Node, _ args: Node, _ offset: Int) throws -> Node {
        guard case let .global(global) = callable, case let .tuple(arguments, _) = args else {
            throw corrupt("REDUCE needs an allowed global and an argument tuple", offset)
        }
        switch global {
        case .orderedDict:
            let box = boxes.dict()
            if let pairs = arguments.first, case let .list(list) = pairs {
                for pair in list.items {
                    guard case let .tuple(kv, _) = pair, kv.count == 2 else { throw corrupt("bad OrderedDict item", offset) }
                    box.entries.append((kv[0], kv[1]))
                }
            }
            return .dict(box)
        case .rebuildTensor:
            guard arguments.count >= 4, case let .storage(storage) = arguments[0],
                  case let .plain(.int(storageOffset)) = arguments[1],
                  let shape = arguments[2].intTuple, let strides = arguments[3].intTuple, shape.count == strides.count
            else { throw corrupt("malformed _rebuild_tensor_v2 arguments", offset) }
            return .tensor(PickledTensor(storage: storage, storageOffset: storageOffset, shape: shape, strides: strides))
        case .rebuildParameter:
            guard let data = arguments.first, case .tensor = data else {
                throw corrupt("_rebuild_parameter without a tensor", offset)
            }
            return data
        case .storageType:
            throw corrupt("a storage type cannot be called", offset)
        }
    }

    private func persistent(_ pid: Node, _ offset: Int) throws -> Node {
        guard case let .tuple(parts, _) = pid, parts.count >= 5, case .plain(.string("storage")) = parts[0],
              case let .global(.storageType(type)) = parts[1], case let .plain(.int(count)) = parts[4]
        else { throw corrupt("persistent id is not ('storage', torch.XStorage, key, location, numel)", offset) }
        let key: String
        switch parts[2] {
        case let .plain(.string(s)): key = s
        case let .plain(.int(i)): key = String(i)
        default: throw corrupt("storage key is not a string", offset)
        }
        return .storage(PickledStorage(elementType: type, key: key, count: count))
    }

    // MARK: - Stack and memo helpers

    /// A tuple of `items`, refused when it would nest deeper than `Node.maximumDepth`.
    private func tuple(_ items: [Node], _ offset: Int) throws -> Node {
        let depth = 1 + items.reduce(0) { Swift.max($0, $1.depth) }
        guard depth <= Node.maximumDepth else {
            throw corrupt("tuples nest deeper than \(Node.maximumDepth) levels", offset)
        }
        return .tuple(items, depth: depth)
    }

    private mutating func popNode(_ offset: Int) throws -> Node {
        guard let top = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw corrupt("stack underflow", offset)
        }
        return top
    }

    private mutating func pop(_ offset: Int) throws {
        if let mark = marks.last, mark == stack.count { _ = try popMark(offset) } else { _ = try popNode(offset) }
    }

    private mutating func popMark(_ offset: Int) throws -> [Node] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw corrupt("no MARK to pop to", offset) }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func list(_ offset: Int) throws -> ListBox {
        guard case let .list(box)? = stack.last else { throw corrupt("APPEND target is not a list", offset) }
        return box
    }

    private func dict(_ offset: Int) throws -> DictBox {
        guard case let .dict(box)? = stack.last else { throw corrupt("SETITEM target is not a dict", offset) }
        return box
    }

    private mutating func memoGet(_ index: Int, _ offset: Int) throws {
        guard let node = memo[index] else { throw corrupt("memo entry \(index) was never stored", offset) }
        stack.append(node)
    }

    private mutating func memoPut(_ index: Int, _ offset: Int) throws {
        guard let top = stack.last else { throw corrupt("PUT on empty stack", offset) }
        memo[index] = top
    }

    private mutating func textIndex(_ offset: Int) throws -> Int {
        guard let i = Int(try reader.line()), i >= 0 else { throw corrupt("bad memo index", offset) }
        return i
    }

    private func textInteger(_ text: String, _ offset: Int) throws -> PickleValue {
        if text == "01" { return .bool(true) }
        if text == "00" { return .bool(false) }
        let digits = text.hasSuffix("L") ? String(text.dropLast()) : text
        guard let value = Int(digits) else { throw corrupt("integer '\(text)' is not supported", offset) }
        return .int(value)
    }

    private func integer(_ bytes: [UInt8]) -> PickleValue {
        if bytes.isEmpty { return .int(0) }
        if bytes.count > 8 { return .bigInt(bytes) }
        var value: UInt64 = 0
        for (i, b) in bytes.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        let shift = UInt64(64 - 8 * bytes.count)
        return .int(Int(Int64(bitPattern: value << shift) >> Int64(shift)))
    }

    private func unquote(_ text: String) -> String {
        guard text.count >= 2, let q = text.first, q == "'" || q == "\"", text.last == q else { return text }
        return String(text.dropFirst().dropLast())
    }

    func corrupt(_ detail: String, _ offset: Int) -> ModelFileError {
        .corrupt(file: file, detail: "pickle: \(detail) at byte \(offset)")
    }
}
