import ActivationPatching
import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis

/// A convolutional activation site checked against a network: the layer every channel experiment
/// (`channels`, `scrub`, `retarget`, `probe`) reads channel maps from.
public struct ChannelLayer: Sendable, Equatable {
    /// The label as given (an alias such as `embedder.block2.res1_out` is kept as written).
    public let label: String
    /// Channels at this site (32 · scale at block 2).
    public let channels: Int
    /// Channel-map height and width (16 × 16 at block 2; row 0 at the top, as the observation).
    public let height: Int
    public let width: Int

    /// The layer experiments use unless told otherwise (the one the cheese-channel results are about).
    public static let defaultLabel = "embedder.block2.res1.resadd_out"

    /// - Throws: `ChannelChoiceError.unknownLayer` / `.notSpatial` (one line naming `--layer`).
    public init(_ label: String, network: ImpalaNetwork) throws {
        let shape: [Int]
        do { shape = try network.activationShape(of: label) } catch {
            throw ChannelChoiceError.unknownLayer(label)
        }
        guard shape.count == 3 else { throw ChannelChoiceError.notSpatial(label, shape: shape) }
        self.label = label
        channels = shape[0]
        height = shape[1]
        width = shape[2]
    }

    /// Cells per channel map, `height · width`.
    public var cells: Int { height * width }

    /// The channel-map cell over a world (full-grid) cell of a 25 × 25 world: procgen-tools'
    /// `floor((i + 0.5) · size / 25)` on both axes, the row flipped so row 0 is at the top.
    public func cell(ofWorld point: WorldPoint) -> ChannelCell {
        ChannelCell(mazeRow: point.y, mazeColumn: point.x, mapSize: height)
    }
}

/// The channels a command works on, resolved from a `--channels` value, with the name outputs show.
///
/// Use it from every channel command the same way:
/// ```swift
/// let layer = try ChannelLayer(options.layer, network: network)            // --layer
/// let choice = try ChannelChoice.resolve(options.channels, layer: layer, evaluator: evaluator)
/// // choice.channels == [8, 55, 77] ; choice.name == "8+55+77" (or "cheese", "effective", "top3", ...)
/// ```
/// Accepted values (whitespace ignored):
/// - `cheese`, `effective`: the published agent's sets (`ChannelSelection.cheeseChannels` / `.effectiveChannels`,
///   channels of a 128-channel block-2 layer; refused with a one-line hint on a model with fewer channels);
/// - a list: `55`, `8,55,77`, `8+55+77`, `[8,55,77]` (the name is the channels joined by `+`);
/// - `all`: every channel of the layer;
/// - `topK` (e.g. `top5`), or nil (option not given): the model's own K best cheese-locating channels as
///   `ChannelRanking` ranks them over `rankingSeeds` (K = `defaultTopCount(channels:)` for nil); name `topK`.
///   This runs `rankingSeeds.count` forward passes (500 by default: a second or two at scale 1 on 2 cores).
/// Every refusal is a `ChannelChoiceError` whose description is one line naming `--channels` or `--layer`.
public struct ChannelChoice: Sendable, Equatable {
    /// Channel indices, in the order given (ranking order for `topK`), no duplicates, all in range.
    public let channels: [Int]
    /// Display name for tables, titles and CSV columns: `cheese`, `effective`, `all`, `top3`, `8+55+77`.
    public let name: String

    public init(channels: [Int], name: String) {
        self.channels = channels
        self.name = name
    }

    /// Levels ranked when the choice needs the model's own top channels: seeds 0..<500, as generated.
    public static let rankingSeeds: [Int32] = Array(0..<500)

    /// How many top channels stand for "the model's cheese channels" when no count is given: the published
    /// agent's share (11 of 128), at least 1: 11 at scale 4, 3 for the bundled scale-1 agent's 32 channels.
    public static func defaultTopCount(channels: Int) -> Int {
        max(1, Int((Double(channels) * 11 / 128).rounded()))
    }

    /// Resolves a `--channels` value (see the type's documentation).
    /// - Parameters:
    ///   - value: the option's text, nil when not given.
    ///   - layer: the checked layer; indices are validated against `layer.channels`.
    ///   - evaluator: runs the ranking, only for nil and `topK`.
    ///   - rankingSeeds: levels the ranking uses.
    /// - Throws: `ChannelChoiceError` (one line), or what the ranking's forward passes throw.
    public static func resolve(_ value: String?, layer: ChannelLayer, evaluator: PolicyEvaluator,
                               rankingSeeds: [Int32] = rankingSeeds) throws -> ChannelChoice {
        try resolve(value, layer: layer) { count in
            let levels = rankingSeeds.map { LevelGenerator().generate(seed: $0) }
            return try ChannelRanking.measure(evaluator: evaluator, layer: layer, levels: levels).top(count)
        }
    }

    /// Checks a `--channels` value's syntax alone (for argument validation before a model is loaded).
    /// - Throws: `ChannelChoiceError.syntax`.
    public static func checkSyntax(_ value: String) throws {
        let text = value.filter { !$0.isWhitespace }
        if text.hasPrefix("top"), Int(text.dropFirst(3)) != nil { return }
        guard !text.isEmpty, ChannelSelection(parsing: text) != nil else { throw ChannelChoiceError.syntax(value) }
    }

    /// Resolves a `--channels` value with `topChannels(K)` supplying the model's K best channels (called only
    /// for nil and `topK`). The form to use in tests or with a ranking already at hand.
    public static func resolve(_ value: String?, layer: ChannelLayer,
                               topChannels: (Int) throws -> [Int]) throws -> ChannelChoice {
        guard let value else {
            let count = min(defaultTopCount(channels: layer.channels), layer.channels)
            return ChannelChoice(channels: try topChannels(count), name: "top\(count)")
        }
        try checkSyntax(value)
        let text = value.filter { !$0.isWhitespace }
        if text.hasPrefix("top"), let count = Int(text.dropFirst(3)) {
            guard (1...layer.channels).contains(count) else {
                throw ChannelChoiceError.badTopCount(value, layer: layer.label, channels: layer.channels)
            }
            return ChannelChoice(channels: try topChannels(count), name: "top\(count)")
        }
        let selection = ChannelSelection(parsing: text)!
        let name: String, channels: [Int]
        switch selection {
        case .all:
            name = "all"
            channels = Array(0..<layer.channels)
        case let .list(list):
            channels = list
            switch text {
            case "cheese", "effective": name = text
            default: name = list.map(String.init).joined(separator: "+")
            }
        }
        if let bad = channels.first(where: { !(0..<layer.channels).contains($0) }) {
            throw ChannelChoiceError.outOfRange(value, channel: bad, layer: layer.label, channels: layer.channels,
                                                namedSet: name == "cheese" || name == "effective")
        }
        if let duplicate = channels.enumerated().first(where: { channels[..<$0.offset].contains($0.element) }) {
            throw ChannelChoiceError.duplicate(value, channel: duplicate.element)
        }
        return ChannelChoice(channels: channels, name: name)
    }
}

/// Why a `--channels` or `--layer` value was refused; each description is one line saying what to write.
public enum ChannelChoiceError: Error, Equatable, CustomStringConvertible {
    case unknownLayer(String)
    case notSpatial(String, shape: [Int])
    case syntax(String)
    case outOfRange(String, channel: Int, layer: String, channels: Int, namedSet: Bool)
    case duplicate(String, channel: Int)
    case badTopCount(String, layer: String, channels: Int)

    public var description: String {
        switch self {
        case let .unknownLayer(label):
            return "--layer '\(label)' is not an activation site; use a convolutional site such as "
                + "\(ChannelLayer.defaultLabel) (embedder.blockB.conv_out, .maxpool_out, .resR.relu1_out ... .resadd_out; B 1-3, R 1-2)"
        case let .notSpatial(label, shape):
            return "--layer '\(label)' has shape \(shape), not channel maps; use a convolutional site such as "
                + ChannelLayer.defaultLabel
        case let .syntax(value):
            return "--channels '\(value)' is not a channel list; write e.g. 8,55,77, cheese, effective, all or top5"
        case let .outOfRange(value, channel, layer, channels, namedSet):
            let hint = namedSet
                ? "; the named sets are the published 128-channel agent's, so give this model's channels as a list or omit --channels for its own top channels"
                : ""
            return "--channels '\(value)': channel \(channel) does not exist at \(layer), which has channels 0...\(channels - 1)\(hint)"
        case let .duplicate(value, channel):
            return "--channels '\(value)' lists channel \(channel) twice; name each channel once"
        case let .badTopCount(value, layer, channels):
            return "--channels '\(value)': K must be 1...\(channels), the channel count of \(layer)"
        }
    }
}
