import Foundation
import MazeSimulation

/// A multi-panel figure described as data (`Templates/*.json`), before any maze or network is involved.
/// Decoding is strict: an unknown field, a misspelt kind or a value of the wrong type is an error naming its
/// place (`panels[2].chanel`). Field names are camelCase; every field but `panels` is optional.
///
/// ```json
/// {"title": "Seed 54", "panelSize": 400,
///  "panels": [{"kind": "vfield", "seed": 54, "label": "Original"},
///             {"kind": "vfield", "seed": 54, "patches": ["cheese:coeff=-1"], "label": "Patched"},
///             {"kind": "vfield-diff", "seed": 54, "patches": ["cheese:coeff=-1"],
///              "label": "Patched vfield minus original"}]}
/// ```
public struct FigureTemplate: Sendable, Equatable, Decodable {
    /// The suptitle.
    public var title: String?
    /// Text under the figure; `{change}` becomes the first diff panel's mean total-variation distance in percent.
    /// Default for figures with a diff panel: `FigureTemplate.defaultChangeCaption`; `""` for none.
    public var caption: String?
    /// Side of each maze view (default 400).
    public var panelSize: Double?
    /// Panels per row (default: all in one row).
    public var columns: Int?
    public var panels: [PanelTemplate]

    public static let defaultChangeCaption = "Action probability distributions changed by {change}% on average"

    /// Limits that keep a template from asking for more memory than a figure can use, checked before the
    /// memory is allocated: the file at most 1 MiB (read no further), at most 64 panels (counted before any
    /// panel is decoded), and a panel grid (columns x rows x panelSize²) of at most 2^26 pixels, 256 MiB as
    /// ARGB (e.g. 4 panels of 4096 px, or 64 of 1024 px).
    public static let maximumFileBytes = 1 << 20
    public static let maximumPanels = 64
    public static let maximumGridPixels = 1 << 26

    public init(title: String? = nil, caption: String? = nil, panelSize: Double? = nil, columns: Int? = nil,
                panels: [PanelTemplate]) {
        self.title = title
        self.caption = caption
        self.panelSize = panelSize
        self.columns = columns
        self.panels = panels
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case title, caption, panelSize, columns, panels }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        caption = try c.decodeIfPresent(String.self, forKey: .caption)
        panelSize = try c.decodeIfPresent(Double.self, forKey: .panelSize)
        columns = try c.decodeIfPresent(Int.self, forKey: .columns)
        if c.contains(.panels), let count = try? c.nestedUnkeyedContainer(forKey: .panels).count,
           count > Self.maximumPanels {
            throw FigureTemplateError(source: "", field: fieldPath(c.codingPath, CodingKeys.panels),
                                      message: "\(count) panels; a figure takes at most \(Self.maximumPanels)")
        }
        panels = try c.decode([PanelTemplate].self, forKey: .panels)
    }

    /// Decodes `data`; errors name the field and say what is accepted.
    /// - Throws: `FigureTemplateError`.
    public static func decode(_ data: Data, source: String) throws(FigureTemplateError) -> FigureTemplate {
        guard data.count <= maximumFileBytes else {
            throw FigureTemplateError(source: source, field: "", message: "the template is \(data.count) bytes; "
                + "a template may be at most \(maximumFileBytes) bytes (\(maximumPanels) panels at most)")
        }
        let template: FigureTemplate
        do {
            template = try JSONDecoder().decode(FigureTemplate.self, from: data)
        } catch let error as FigureTemplateError {
            throw error.in(source)
        } catch let error as DecodingError {
            throw FigureTemplateError(source: source, field: error.fieldPath, message: error.summary)
        } catch {
            throw FigureTemplateError(source: source, field: "", message: "\(error)")
        }
        try template.validate(source: source)
        return template
    }

    /// Reads and decodes a template file. - Throws: `FigureTemplateError` (also for an unreadable file).
    /// Reads at most `maximumFileBytes + 1` bytes, so even an endless file (a device, a pipe) is refused.
    public static func load(path: String) throws(FigureTemplateError) -> FigureTemplate {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw FigureTemplateError(source: path, field: "", message: "cannot read the file; check the path")
        }
        return try decode(data, source: path)
    }

    /// Checks rules that span fields (a heat map needs a channel, a diff needs patches, sizes are positive).
    public func validate(source: String = "template") throws(FigureTemplateError) {
        func fail(_ field: String, _ message: String) -> FigureTemplateError {
            FigureTemplateError(source: source, field: field, message: message)
        }
        guard !panels.isEmpty else { throw fail("panels", "a figure needs at least one panel") }
        guard panels.count <= Self.maximumPanels else {
            throw fail("panels", "\(panels.count) panels; a figure takes at most \(Self.maximumPanels)")
        }
        if let panelSize, !(32...4096).contains(panelSize) { throw fail("panelSize", "\(panelSize) is out of range; use 32...4096") }
        if let columns, columns < 1 { throw fail("columns", "\(columns) must be at least 1") }
        // Both at most 64 and 4096 by now, so nothing here can overflow.
        let perRow = min(columns ?? panels.count, panels.count)
        let rows = (panels.count + perRow - 1) / perRow
        let side = panelSize ?? 400
        if Double(perRow * rows) * side * side > Double(Self.maximumGridPixels) {
            throw fail("panelSize", "\(perRow) x \(rows) panels of \(Int(side)) px exceed \(Self.maximumGridPixels) "
                + "pixels; use a smaller panelSize or fewer panels")
        }
        for (index, panel) in panels.enumerated() {
            let at = "panels[\(index)]"
            switch panel.kind {
            case .heatmap:
                guard panel.channel != nil else { throw fail("\(at).channel", "a heatmap panel needs a channel, e.g. 55") }
            case .vfieldDiff:
                guard !(panel.patches ?? []).isEmpty else {
                    throw fail("\(at).patches", "a vfield-diff panel needs at least one patch, e.g. \"cheese:coeff=-1\"")
                }
            default:
                if panel.channel != nil { throw fail("\(at).channel", "only heatmap panels take a channel") }
            }
            if let opacity = panel.opacity, !(0...1).contains(opacity) { throw fail("\(at).opacity", "\(opacity) is outside 0...1") }
            if let alpha = panel.maxAlpha, !(0...1).contains(alpha) { throw fail("\(at).maxAlpha", "\(alpha) is outside 0...1") }
            if panel.cheese != nil && panel.noCheese == true {
                throw fail("\(at).noCheese", "noCheese contradicts cheese; use one")
            }
        }
    }
}

/// One panel of a `FigureTemplate`.
public struct PanelTemplate: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Equatable, CaseIterable, Decodable {
        /// The maze alone (mouse shown unless `mouse` is false).
        case maze
        /// Net arrows (or component arrows with `components`), optionally patched.
        case vfield
        /// Patched minus original net arrows in lime.
        case vfieldDiff = "vfield-diff"
        /// One channel of `layer` over the maze, with a colour bar.
        case heatmap
        /// procgen-tools' path-probability overlay (transparent to red).
        case pathProbability = "path-probability"
        /// Arrows along the most probable path from the start.
        case mostProbablePath = "most-probable-path"
    }

    /// Marks that can be added to any panel.
    public enum Overlay: String, Sendable, Equatable, CaseIterable, Decodable {
        case decisionSquare = "decision-square"
        case topRightRegion = "top-right-region"
        /// A red dot on each retargeting patch's channel cell (added automatically to patched panels).
        case retargetDot = "retarget-dot"
    }

    public var kind: Kind
    /// Level seed.
    public var seed: Int32
    /// Text above the panel (`\n` for several lines).
    public var title: String?
    /// Text below the panel (the triptych's "Original", "Patched", ...).
    public var label: String?
    /// Patch SPECs in the command line's syntax (`"cheese:coeff=-1"`), applied in order.
    public var patches: [String]?
    /// vfield: draw the four component arrows instead of the net arrow.
    public var components: Bool?
    /// Show the sand margin (default false).
    public var padding: Bool?
    /// Show the mouse (default: only on `maze` panels).
    public var mouse: Bool?
    /// Move the cheese to maze cell `"X,Y"` (x right, y up).
    public var cheese: String?
    /// Remove the cheese.
    public var noCheese: Bool?
    /// Which way the mouse faces: `"left"` (procgen's start) or `"right"`.
    public var facing: Facing?
    /// heatmap: activation site (default `embedder.block2.res1.resadd_out`).
    public var layer: String?
    /// heatmap: channel index.
    public var channel: Int?
    /// heatmap: `posts` (RdBu, positive blue, ±max|act|) or `paper` (bwr, positive red, [-1, 1]).
    public var convention: String?
    /// heatmap: opacity over the maze (default 0.75; 1 hides the maze).
    public var opacity: Double?
    /// path-probability: opacity at probability 1 (default 0.7; the paper uses 0.9).
    public var maxAlpha: Double?
    public var overlays: [Overlay]?
    /// Red dots on maze cells `"X,Y"` (e.g. other cheese locations).
    public var marks: [String]?

    public init(kind: Kind, seed: Int32, title: String? = nil, label: String? = nil, patches: [String]? = nil) {
        self.kind = kind
        self.seed = seed
        self.title = title
        self.label = label
        self.patches = patches
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, seed, title, label, patches, components, padding, mouse, cheese, noCheese, facing, layer, channel,
             convention, opacity, maxAlpha, overlays, marks
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try decodeEnum(Kind.self, c, .kind)
        seed = try c.decode(Int32.self, forKey: .seed)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        patches = try c.decodeIfPresent([String].self, forKey: .patches)
        components = try c.decodeIfPresent(Bool.self, forKey: .components)
        padding = try c.decodeIfPresent(Bool.self, forKey: .padding)
        mouse = try c.decodeIfPresent(Bool.self, forKey: .mouse)
        cheese = try c.decodeIfPresent(String.self, forKey: .cheese)
        noCheese = try c.decodeIfPresent(Bool.self, forKey: .noCheese)
        if let text = try c.decodeIfPresent(String.self, forKey: .facing) {
            guard let value = Facing(rawValue: text) else {
                throw FigureTemplateError(source: "", field: fieldPath(c.codingPath, CodingKeys.facing),
                                          message: "unknown facing '\(text)'; use left or right")
            }
            facing = value
        }
        layer = try c.decodeIfPresent(String.self, forKey: .layer)
        channel = try c.decodeIfPresent(Int.self, forKey: .channel)
        convention = try c.decodeIfPresent(String.self, forKey: .convention)
        if let convention, HeatmapConvention(rawValue: convention) == nil {
            throw FigureTemplateError(source: "", field: fieldPath(c.codingPath, CodingKeys.convention),
                                      message: "unknown convention '\(convention)'; use posts or paper")
        }
        opacity = try c.decodeIfPresent(Double.self, forKey: .opacity)
        maxAlpha = try c.decodeIfPresent(Double.self, forKey: .maxAlpha)
        if c.contains(.overlays) {
            var list = try c.nestedUnkeyedContainer(forKey: .overlays)
            var overlays: [Overlay] = []
            while !list.isAtEnd {
                let path = fieldPath(c.codingPath, CodingKeys.overlays) + "[\(list.currentIndex)]"
                let text = try list.decode(String.self)
                guard let overlay = Overlay(rawValue: text) else {
                    throw FigureTemplateError(source: "", field: path, message: "unknown overlay '\(text)'; use one of "
                        + Overlay.allCases.map(\.rawValue).joined(separator: ", "))
                }
                overlays.append(overlay)
            }
            self.overlays = overlays
        }
        marks = try c.decodeIfPresent([String].self, forKey: .marks)
    }

    /// The heat-map convention (default posts).
    public var heatmapConvention: HeatmapConvention { convention.flatMap(HeatmapConvention.init) ?? .posts }
}

/// A template that cannot be used, naming the file, the field and what to do.
public struct FigureTemplateError: Error, Equatable, CustomStringConvertible {
    public var source: String
    /// Dotted path of the field at fault, e.g. `panels[2].channel` (empty for the whole file).
    public var field: String
    public var message: String

    public init(source: String, field: String, message: String) {
        self.source = source
        self.field = field
        self.message = message
    }

    func `in`(_ source: String) -> FigureTemplateError {
        FigureTemplateError(source: source, field: field, message: message)
    }

    public var description: String {
        field.isEmpty ? "\(source): \(message)" : "\(source): \(field): \(message)"
    }
}

// MARK: - Strict decoding helpers

struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}

func fieldPath(_ path: [CodingKey], _ last: CodingKey? = nil) -> String {
    var text = ""
    for key in path + (last.map { [$0] } ?? []) {
        if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
    }
    return text
}

func rejectUnknownFields(_ decoder: Decoder, known: [String]) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in container.allKeys where !known.contains(key.stringValue) {
        throw FigureTemplateError(source: "", field: fieldPath(decoder.codingPath, key),
                                  message: "unknown field '\(key.stringValue)'; known fields: " + known.joined(separator: ", "))
    }
}

func decodeEnum<E: RawRepresentable & CaseIterable, K: CodingKey>(
    _ type: E.Type, _ container: KeyedDecodingContainer<K>, _ key: K
) throws -> E where E.RawValue == String {
    let text = try container.decode(String.self, forKey: key)
    guard let value = E(rawValue: text) else {
        throw FigureTemplateError(source: "", field: fieldPath(container.codingPath, key),
                                  message: "unknown \(key.stringValue) '\(text)'; use one of "
                                      + E.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return value
}

extension DecodingError {
    var fieldPath: String {
        switch self {
        case let .keyNotFound(key, context): MazeRendering.fieldPath(context.codingPath, key)
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            MazeRendering.fieldPath(context.codingPath)
        @unknown default: ""
        }
    }

    var summary: String {
        switch self {
        case .keyNotFound(let key, _): "missing required field '\(key.stringValue)'"
        case let .typeMismatch(type, context): "expected \(type): \(context.debugDescription)"
        case let .valueNotFound(type, _): "expected \(type), found null"
        case let .dataCorrupted(context): "not valid JSON: \(context.debugDescription)"
        @unknown default: "\(self)"
        }
    }
}
