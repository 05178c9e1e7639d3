import Foundation

/// Which channels (feature indices, for `[N, F]` sites) a patch touches.
///
/// JSON form: an array of integers (`[8, 55, 77]`) or the string `"all"`.
public enum ChannelSelection: Sendable, Equatable, Codable {
    case all
    case list([Int])

    /// The 11 channels of `embedder.block2.res1.resadd_out` that track the cheese (scale-4 maze models).
    public static let cheeseChannels = [7, 8, 42, 44, 55, 77, 82, 88, 89, 99, 113]
    /// The subset that retargets the agent on its own.
    public static let effectiveChannels = [8, 55, 77, 82, 88, 89, 113]

    /// The concrete channel indices for a site with `count` channels.
    /// - Throws: `PatchError.channelOutOfRange`.
    public func indices(count: Int, layer: String) throws -> [Int] {
        switch self {
        case .all: return Array(0..<count)
        case let .list(channels):
            if let bad = channels.first(where: { $0 < 0 || $0 >= count }) {
                throw PatchError.channelOutOfRange(layer: layer, channel: bad, count: count)
            }
            return channels
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([Int].self) {
            self = .list(list)
        } else if let single = try? container.decode(Int.self) {
            self = .list([single])
        } else {
            let name = try container.decode(String.self)
            guard let parsed = ChannelSelection(parsing: name) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "channels must be a list of integers, 'all', 'cheese' or 'effective'")
            }
            self = parsed
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all: try container.encode("all")
        case let .list(channels): try container.encode(channels)
        }
    }

    /// Parses `55`, `8+55+77`, `[8,55,77]`, `all`, `cheese` (the 11 cheese channels) or `effective`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        switch trimmed {
        case "all": self = .all
        case "cheese": self = .list(Self.cheeseChannels)
        case "effective": self = .list(Self.effectiveChannels)
        default:
            let parts = trimmed.split(whereSeparator: { $0 == "+" || $0 == "," || $0 == " " })
            let numbers = parts.compactMap { Int($0) }
            guard !parts.isEmpty, numbers.count == parts.count else { return nil }
            self = .list(numbers)
        }
    }
}

/// A cell of a site's channel map: row from the top, column from the left (image orientation).
/// Text and JSON form: `"ROWxCOL"`, e.g. `"5x11"`.
public struct ChannelCell: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Parses `ROWxCOL` (also `ROW,COL`).
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "X" || $0 == "," })
        guard parts.count == 2, let row = Int(parts[0]), let column = Int(parts[1]) else { return nil }
        self.init(row: row, column: column)
    }

    /// The channel cell covering the centre of maze square `(row, column)` of procgen's full 25x25 grid, as
    /// procgen-tools' `get_channel_from_grid_pos(..., flip_y=True)` computes it: the row is first flipped to
    /// count from the top (`24 - row`, channel maps have row 0 at the top), then pixel = `(i + 0.5) · 64/25`,
    /// cell = `pixel // stride`. Flipping before rounding matters for grid row 12, whose centre lies exactly on
    /// the map's middle boundary (pixel 32): it maps to the lower half (row 8 of 16), as in procgen-tools.
    /// `mapSize` is the channel map's height (16 at block 2).
    public init(mazeRow: Int, mazeColumn: Int, mapSize: Int) {
        let stride = 64.0 / Double(mapSize)
        let toCell = { (index: Int) in Int(((Double(index) + 0.5) * 64.0 / 25.0 / stride).rounded(.down)) }
        self.init(row: toCell(24 - mazeRow), column: toCell(mazeColumn))
    }

    public var description: String { "\(row)x\(column)" }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let cell = ChannelCell(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "cell must be ROWxCOL, e.g. 5x11")
        }
        self = cell
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
