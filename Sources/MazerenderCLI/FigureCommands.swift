import ArgumentParser
import Foundation
import RenderJobs

/// `--model FILE`, `--assets DIR` and the level options, loaded into a figure context.
struct FigureModelOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions
    @OptionGroup var level: LevelOptions

    func context() throws -> FigureContext {
        let network = try ModelLocator.loadNetwork(explicit: modelOptions.model)
        return try FigureContext(network: network, renderer: try assetOptions.renderer(), generator: level.generator)
    }
}

/// Checks `--out` (extension and writable directory) as a usage error, before any work.
private func validateOutput(_ path: String) throws {
    do { _ = try FigureJobs.checkOutput(path) } catch { throw ValidationError("\(error)") }
}

private func single(_ seed: SeedList, _ option: String = "--seed") throws -> Int32 {
    guard seed.seeds.count == 1 else { throw ValidationError("\(option) \(seed) names \(seed.seeds.count) seeds; give one") }
    return seed.seeds[0]
}

struct VectorFieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfield",
        abstract: "Draw the policy's vector field over a maze (white arrows; probability 1 = one cell).",
        discussion: "The format follows --out's extension: .png, .svg or .pdf (arrows stay vectors in SVG/PDF).\n"
            + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @Flag(help: "Draw the four per-action arrows instead of the net arrow.")
    var components = false
    @Flag(help: "Show the sand margin around the maze.")
    var padding = false
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        _ = try single(seed)
        try validateOutput(out)
    }

    func run() throws {
        let template = FigureJobs.vectorFieldTemplate(seed: try single(seed), patches: patches,
                                                      components: components, padding: padding)
        print(try FigureJobs.write(template, context: try modelOptions.context(), to: out).description)
    }
}

struct VectorFieldDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfield-diff",
        abstract: "Draw the triptych Original | Patched | Patched vfield minus original (diff arrows in lime).",
        discussion: "The caption gives the mean total-variation distance between the patched and original action "
            + "distributions.\n" + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @Option(help: "Figure title (e.g. \"Seed 54\").")
    var title: String?
    @Flag(help: "Show the sand margin around the maze.")
    var padding = false
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        _ = try single(seed)
        guard !patches.isEmpty else { throw ValidationError("give at least one --patch SPEC, e.g. --patch cheese:coeff=-1") }
        try validateOutput(out)
    }

    func run() throws {
        let template = FigureJobs.diffTemplate(seed: try single(seed), patches: patches, title: title, padding: padding)
        print(try FigureJobs.write(template, context: try modelOptions.context(), to: out).description)
    }
}

/// The published heat-map colour conventions (`HeatmapConvention` in MazeRendering).
enum ConventionName: String, ExpressibleByArgument, CaseIterable {
    case posts, paper
}

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Draw channels of one layer's activations over the maze, with a colour bar.",
        discussion: """
            Conventions: posts (RdBu, positive blue, range +-max|activation| over the layer) or paper (bwr, positive \
            red, fixed range [-1, 1]). Several channels (--channel 42,55,77,88) make a grid.
            """)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(help: "Activation site, e.g. embedder.block2.res1.resadd_out.")
    var layer = "embedder.block2.res1.resadd_out"
    @Option(help: "Channel, or comma-separated channels for a grid.")
    var channel: String
    @Option(help: "posts or paper.")
    var convention: ConventionName = .posts
    @Option(help: "Heat-map opacity over the maze (1 hides the maze).")
    var opacity = 0.75
    @Option(name: .customLong("patch"), help: "Activation patch SPEC applied before capturing (repeatable).")
    var patches: [String] = []
    @OptionGroup var edit: EditOptions
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    var channels: [Int] { channel.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        _ = try single(seed)
        guard !channels.isEmpty, channels.count == channel.split(separator: ",").count, channels.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--channel \(channel): give a channel index or a comma-separated list, e.g. 55 or 42,55,77,88")
        }
        guard (0...1).contains(opacity) else { throw ValidationError("--opacity \(opacity) is outside 0...1") }
        if edit.mouse != nil || edit.facing != nil {
            throw ValidationError("heatmap keeps the mouse at the start; only --cheese and --no-cheese apply")
        }
        try validateOutput(out)
    }

    func run() throws {
        let template = try FigureJobs.heatmapTemplate(
            seed: try single(seed), layer: layer, channels: channels, convention: convention.rawValue,
            patches: patches, opacity: opacity, cheese: edit.cheese, removeCheese: edit.noCheese)
        print(try FigureJobs.write(template, context: try modelOptions.context(), to: out).description)
    }
}

struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Render a multi-panel figure described by a template (Templates/*.json).",
        discussion: "Panel kinds: " + FigureJobs.panelKinds.joined(separator: ", ")
            + ". See Templates/README.md for the fields.")

    @Argument(help: "The template, e.g. Templates/cheese-vector-seed54.json.")
    var template: String
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        try validateOutput(out)
        do { _ = try FigureJobs.loadTemplate(path: template) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let loaded = try FigureJobs.loadTemplate(path: template)
        print(try FigureJobs.write(loaded, context: try modelOptions.context(), to: out).description)
    }
}

enum PatchSpecHelp {
    static let text = "--patch SPEC: KIND[:key=value,...], e.g. cheese:coeff=-1, top-right:coeff=1, "
        + "retarget:channels=55,value=5.5,cell=5x11, ablate:channels=55,mode=zero, random:std=0.25,seed=3."
}
