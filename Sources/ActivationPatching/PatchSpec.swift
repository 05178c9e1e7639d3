import Foundation

/// A patch as the command line and figure templates name it, before any maze is involved. The text form
/// `KIND[:key=value,...]` and the JSON form (`{"kind": KIND, key: value, ...}`) decode to equal values;
/// keys left out take their defaults only when the spec is resolved (see `PatchResolver`).
public struct PatchSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case cheese, topRight = "top-right", retarget, ablate, random, resample
    }

    public enum AblationMode: String, Sendable, Codable, CaseIterable { case zero, mean, multiply }

    /// For `resample`: which version of the source maze the activations come from.
    public enum SourceCheese: String, Sendable, Codable, CaseIterable {
        /// The source maze as generated.
        case original
        /// The source maze with its cheese moved to where the target maze has it.
        case target
    }

    public var kind: Kind
    /// Activation site; default `embedder.block2.res1.resadd_out`.
    public var layer: String?
    /// Coefficient of an added vector (cheese: default -1; top-right and random: default 1).
    public var coeff: Float?
    /// Source level seed (cheese, top-right: default the target seed; resample: required).
    public var source: Int?
    /// Channels (retarget: default 55; ablate, resample: required).
    public var channels: ChannelSelection?
    /// Value written at the cell (retarget; default 5.5).
    public var value: Float?
    /// Channel-map cell, `ROWxCOL` from the top left (retarget; this or `square` is required).
    public var cell: ChannelCell?
    /// Maze square `ROWxCOL` of procgen's 25x25 grid, row 0 at the bottom (retarget; converted to a cell).
    public var square: ChannelCell?
    /// Value of the selected channels away from the cell (retarget); default: batch element 0's values.
    public var background: Float?
    /// Ablation mode (default zero).
    public var mode: AblationMode?
    /// Multiplier for `mode=multiply`.
    public var factor: Float?
    /// Standard deviation of the random vector (default 0.25).
    public var std: Float?
    /// Seed of the random vector (default 0).
    public var seed: UInt64?
    /// Resample source version (default original).
    public var cheese: SourceCheese?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, layer, coeff, source, channels, value, cell, square, background = "default", mode, factor, std,
             seed, cheese
    }

    public init(kind: Kind, layer: String? = nil, coeff: Float? = nil, source: Int? = nil,
                channels: ChannelSelection? = nil, value: Float? = nil, cell: ChannelCell? = nil,
                square: ChannelCell? = nil, background: Float? = nil, mode: AblationMode? = nil,
                factor: Float? = nil, std: Float? = nil, seed: UInt64? = nil, cheese: SourceCheese? = nil) {
        self.kind = kind
        self.layer = layer
        self.coeff = coeff
        self.source = source
        self.channels = channels
        self.value = value
        self.cell = cell
        self.square = square
        self.background = background
        self.mode = mode
        self.factor = factor
        self.std = std
        self.seed = seed
        self.cheese = cheese
    }

    /// The keys each kind accepts (besides `layer`).
    public static let keys: [Kind: [String]] = [
        .cheese: ["coeff", "source"],
        .topRight: ["coeff", "source"],
        .retarget: ["channels", "value", "cell", "square", "default"],
        .ablate: ["channels", "mode", "factor"],
        .random: ["std", "seed", "coeff"],
        .resample: ["channels", "source", "cheese"],
    ]

    /// What `--help` should say about the SPEC syntax.
    public static let syntaxHelp = """
        SPEC is KIND[:key=value,...]; keys in any order; every kind takes layer=LABEL \
        (default embedder.block2.res1.resadd_out).
          cheese:coeff=-1[,source=SEED]        add coeff x (activations with cheese - without), from SEED \
        (default: the target seed)
          top-right:coeff=1[,source=SEED]      add coeff x (activations with the top-right path - original)
          retarget:channels=55,value=5.5,cell=5x11[,default=V]   set channels at a channel-map cell \
        (or square=ROWxCOL in maze coordinates)
          ablate:channels=55,mode=zero|mean|multiply[,factor=F]  channels: 55, 8+55+77, [8,55], cheese, \
        effective, all
          random:std=0.25,seed=3[,coeff=1]     add a fixed random vector (control)
          resample:channels=cheese,source=SEED[,cheese=original|target]   take channels from another maze
        The same spec as JSON: {"kind":"retarget","channels":[55],"value":5.5,"cell":"5x11"}
        """

    /// Parses the text form. - Throws: `PatchError` naming the spec and the key or value at fault.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let kindText = trimmed.prefix { $0 != ":" }
        guard let kind = Kind(rawValue: String(kindText)) else {
            throw PatchError.unknownKind(spec: text, kind: String(kindText), valid: Kind.allCases.map(\.rawValue))
        }
        self.init(kind: kind)
        let rest = trimmed.dropFirst(kindText.count + 1)
        guard !rest.isEmpty else { return }
        let accepted = ["layer"] + Self.keys[kind]!
        var seen: Set<String> = []
        for item in Self.splitTopLevel(String(rest)) {
            guard let equals = item.firstIndex(of: "=") else {
                throw PatchError.invalidSpec(spec: text, reason: "'\(item)' is not key=value")
            }
            let key = String(item[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(item[item.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            guard accepted.contains(key) else { throw PatchError.unknownKey(spec: text, key: key, valid: accepted) }
            guard seen.insert(key).inserted else {
                throw PatchError.invalidSpec(spec: text, reason: "key '\(key)' is given twice")
            }
            try set(key, value, spec: text)
        }
    }

    private mutating func set(_ key: String, _ text: String, spec: String) throws {
        func number<T: LosslessStringConvertible>(_: T.Type, _ expected: String) throws -> T {
            guard let parsed = T(text) else {
                throw PatchError.invalidValue(spec: spec, key: key, value: text, expected: expected)
            }
            return parsed
        }
        func parsed<T>(_ value: T?, _ expected: String) throws -> T {
            guard let value else { throw PatchError.invalidValue(spec: spec, key: key, value: text, expected: expected) }
            return value
        }
        switch key {
        case "layer": layer = text
        case "coeff": coeff = try number(Float.self, "a number")
        case "source": source = try number(Int.self, "a level seed")
        case "channels": channels = try parsed(ChannelSelection(parsing: text), "55, 8+55+77, [8,55], cheese, effective or all")
        case "value": value = try number(Float.self, "a number")
        case "cell": cell = try parsed(ChannelCell(parsing: text), "ROWxCOL, e.g. 5x11")
        case "square": square = try parsed(ChannelCell(parsing: text), "ROWxCOL, e.g. 12x18")
        case "default": background = try number(Float.self, "a number")
        case "mode": mode = try parsed(AblationMode(rawValue: text), "zero, mean or multiply")
        case "factor": factor = try number(Float.self, "a number")
        case "std": std = try number(Float.self, "a number")
        case "seed": seed = try number(UInt64.self, "a non-negative integer")
        case "cheese": cheese = try parsed(SourceCheese(rawValue: text), "original or target")
        default: throw PatchError.unknownKey(spec: spec, key: key, valid: ["layer"] + Self.keys[kind]!)
        }
    }

    /// Splits on commas outside square brackets.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in text {
            switch character {
            case "[": depth += 1; current.append(character)
            case "]": depth -= 1; current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        return parts.filter { !$0.isEmpty }
    }

    /// The text form (round-trips through `init(parsing:)`).
    public var description: String {
        var items: [String] = []
        if let layer { items.append("layer=\(layer)") }
        if let coeff { items.append("coeff=\(coeff)") }
        if let source { items.append("source=\(source)") }
        if let channels {
            switch channels {
            case .all: items.append("channels=all")
            case let .list(list): items.append("channels=" + list.map(String.init).joined(separator: "+"))
            }
        }
        if let value { items.append("value=\(value)") }
        if let cell { items.append("cell=\(cell)") }
        if let square { items.append("square=\(square)") }
        if let background { items.append("default=\(background)") }
        if let mode { items.append("mode=\(mode.rawValue)") }
        if let factor { items.append("factor=\(factor)") }
        if let std { items.append("std=\(std)") }
        if let seed { items.append("seed=\(seed)") }
        if let cheese { items.append("cheese=\(cheese.rawValue)") }
        return items.isEmpty ? kind.rawValue : kind.rawValue + ":" + items.joined(separator: ",")
    }
}
