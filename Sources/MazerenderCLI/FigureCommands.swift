import ArgumentParser
import FigureJobs
import Foundation
import JobSupport
import MazeRendering
import MazeSimulation
import PolicyAnalysis

/// `--model FILE`, `--assets DIR` and the level options of the figure commands.
struct FigureModelOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions
    @OptionGroup var level: LevelOptions

    /// The loaded model and assets.
    func context() throws -> JobContext { try modelOptions.context(assetOptions) }

    /// Runs the figure job for `template` (in `context`, else a freshly loaded one). Errors name template panels
    /// (`panels[0] (heatmap, seed 0): ...`) only when `fromTemplateFile`: a plain command's user wrote options,
    /// not panels. - Returns: the command's report.
    func write(_ template: FigureTemplate, to out: String, data: String? = nil, context: JobContext? = nil,
               fromTemplateFile: Bool = false) throws -> String {
        var job = FigureJob(template: template, generator: level.generator, out: out, data: data)
        job.namesPanels = fromTemplateFile
        return try job.run(in: try context ?? self.context()).description
    }
}

/// Checks `--out` (extension and writable directory) as a usage error, before any work.
private func validateOutput(_ path: String) throws {
    do { _ = try FigureJobs.checkOutput(path) } catch { throw usageError(error) }
}

/// Checks `--out` (an image, or `.json` data) and `--data` (only beside an image) for `vfield` and `vfield-diff`.
private func validateFieldOutputs(out: String, data: String?) throws {
    do {
        if FigureJobs.isDataPath(out) {
            if data != nil { throw ValidationError("--data FILE.json goes with an image --out; --out \(out) already writes the data") }
            try VectorFieldData.checkOutput(out)
        } else {
            _ = try FigureJobs.checkOutput(out)
            if let data { try VectorFieldData.checkOutput(data) }
        }
    } catch let error as ValidationError { throw error } catch { throw usageError(error) }
}

/// `--size`: a maze panel's side in px (pt in a PDF), within what figure templates accept.
private func validateSize(_ size: Int?) throws {
    if let size, !(32...4096).contains(size) {
        throw ValidationError("--size \(size) is out of range; give a panel side of 32...4096 px")
    }
}

/// The help of `--title` in every figure command.
private let titleHelp = ArgumentHelp("Figure title, drawn above the panels and stored in the file's metadata (e.g. \"Seed 54\").")

/// The help of `--size`, with the command's default.
private func sizeHelp(_ defaultText: String) -> ArgumentHelp {
    ArgumentHelp("Side of each maze panel in px (pt in a PDF), 32...4096; text and margins scale with it. Default: \(defaultText).",
                 valueName: "px")
}

private func single(_ seed: SeedList, _ option: String = "--seed") throws -> Int32 {
    guard seed.seeds.count == 1 else { throw ValidationError("\(option) \(seed) names \(seed.seeds.count) seeds; give one") }
    return seed.seeds[0]
}

struct VectorFieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfield",
        abstract: "Draw the policy's vector field over a maze (white arrows; probability 1 = one cell).",
        discussion: "The format follows --out's extension: .png, .svg or .pdf (arrows stay vectors in SVG/PDF), "
            + "or .json for the numbers instead of a picture (--data FILE.json writes them beside a picture).\n"
            + VectorFieldDataHelp.text + "\n" + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @Flag(help: "Draw the four per-action arrows instead of the net arrow.")
    var components = false
    @Option(help: titleHelp)
    var title: String?
    @Option(help: sizeHelp("512"))
    var size: Int?
    @Flag(help: "Show the sand margin around the maze.")
    var padding = false
    @OptionGroup var edit: CheeseEditOptions
    @Option(help: "Output file: .png, .svg, .pdf, or .json for the numbers only.")
    var out: String
    @Option(help: "Also write the numbers to this .json file, beside an image --out.")
    var data: String?
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        _ = try single(seed)
        try validateSize(size)
        try validateFieldOutputs(out: out, data: data)
    }

    func run() throws {
        let template = FigureJobs.vectorFieldTemplate(seed: try single(seed), patches: patches,
                                                      components: components, padding: padding, edits: edit.edits,
                                                      title: title, size: size.map(Double.init))
        print(try modelOptions.write(template, to: out, data: data))
    }
}

struct VectorFieldDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfield-diff",
        abstract: "Draw the triptych Original | Patched | Patched vfield minus original (diff arrows in lime).",
        discussion: "The caption gives the mean total-variation distance between the patched and original action "
            + "distributions. --out .json writes the numbers instead of the figure (--data FILE.json: beside it).\n"
            + VectorFieldDataHelp.text + " In the diff, probs and logits are the original network's and each cell "
            + "adds \"patched\": {\"probs\", \"logits\"}, the patched network's.\n" + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @Option(help: titleHelp)
    var title: String?
    @Option(help: sizeHelp("400"))
    var size: Int?
    @Flag(help: "Show the sand margin around the maze.")
    var padding = false
    @OptionGroup var edit: CheeseEditOptions
    @Option(help: "Output file: .png, .svg, .pdf, or .json for the numbers only.")
    var out: String
    @Option(help: "Also write the numbers to this .json file, beside an image --out.")
    var data: String?
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        _ = try single(seed)
        guard !patches.isEmpty else { throw ValidationError("give at least one --patch SPEC, e.g. --patch cheese:coeff=-1") }
        try validateSize(size)
        try validateFieldOutputs(out: out, data: data)
    }

    func run() throws {
        let template = FigureJobs.diffTemplate(seed: try single(seed), patches: patches, title: title, padding: padding,
                                               edits: edit.edits, size: size.map(Double.init))
        print(try modelOptions.write(template, to: out, data: data))
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
            red, fixed range [-1, 1]). Several channels (--channels 42,55,77,88) make a grid.
            """)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(help: "Activation site, e.g. embedder.block2.res1.resadd_out.")
    var layer = "embedder.block2.res1.resadd_out"
    @Option(help: ArgumentHelp("Channel, or comma-separated channels for a grid (required), e.g. 55 or 42,55,77,88.", valueName: "c,c,..."))
    var channels: String?
    /// The former name of `--channels`, still read.
    @Option(help: .hidden)
    var channel: String?
    @Option(help: "posts or paper.")
    var convention: ConventionName = .posts
    @Option(help: "Heat-map opacity over the maze, 0...1 (1 hides the maze).")
    var opacity = 0.75
    @Option(name: .customLong("patch"), help: "Activation patch SPEC applied before capturing (repeatable).")
    var patches: [String] = []
    @Option(help: titleHelp)
    var title: String?
    @Option(help: sizeHelp("400 for one channel, 320 for a grid"))
    var size: Int?
    @OptionGroup var edit: CheeseEditOptions
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    var channelText: String { channels ?? channel ?? "" }
    var channelList: [Int] { channelText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        _ = try single(seed)
        if channels != nil && channel != nil { throw ValidationError("--channel is the old name of --channels; give one") }
        guard channels != nil || channel != nil else {
            throw ValidationError("missing --channels: give a channel index or a comma-separated list, e.g. 55 or 42,55,77,88")
        }
        let list = channelList
        guard !list.isEmpty, list.count == channelText.split(separator: ",").count, list.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--channels \(channelText): give a channel index or a comma-separated list, e.g. 55 or 42,55,77,88")
        }
        guard (0...1).contains(opacity) else { throw ValidationError("--opacity \(opacity) is outside 0...1") }
        try validateSize(size)
        try validateOutput(out)
    }

    func run() throws {
        let context = try modelOptions.context()
        // The layer and channels are options: checked against the loaded model before any work, as usage errors.
        let shape: [Int]
        do { shape = try context.network.activationShape(of: layer) } catch { throw ValidationError("--layer: \(error)") }
        guard shape.count == 3 else {
            throw ValidationError("--layer \(layer) has shape \(shape), not a channel map; pick a conv layer such as embedder.block2.res1.resadd_out")
        }
        if let bad = channelList.first(where: { $0 >= shape[0] }) {
            throw ValidationError("--channels \(channelText): channel \(bad) does not exist at \(layer), which has channels 0...\(shape[0] - 1)")
        }
        let template = try FigureJobs.heatmapTemplate(
            seed: try single(seed), layer: layer, channels: channelList, convention: convention.rawValue,
            patches: patches, opacity: opacity, edits: edit.edits, title: title, size: size.map(Double.init))
        print(try modelOptions.write(template, to: out, context: context))
    }
}

struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Render a multi-panel figure described by a template (Templates/*.json).",
        discussion: "Panel kinds: " + FigureJobs.panelKinds.joined(separator: ", ")
            + ". See Templates/README.md for the fields.")

    @Argument(help: "The template, e.g. Templates/cheese-vector-seed54.json (with --list: a folder of templates, default Templates).")
    var template: String?
    @Flag(help: "List the templates of the folder and whether each fits the loaded model (the channels it names exist), then exit.")
    var list = false
    @Option(help: ArgumentHelp("Figure title, replacing the template's (drawn above the panels and stored in the file's metadata)."))
    var title: String?
    @Option(help: sizeHelp("the template's panelSize, else 400"))
    var size: Int?
    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String?
    @OptionGroup var modelOptions: FigureModelOptions

    func validate() throws {
        if list {
            if out != nil { throw ValidationError("--list writes no figure; drop --out") }
            return
        }
        guard template != nil else { throw ValidationError("missing the template: mazerender figure TEMPLATE.json --out F.png (or --list)") }
        guard let out else { throw ValidationError("missing --out: the figure's file (.png, .svg or .pdf)") }
        try validateOutput(out)
        try validateSize(size)
        do { _ = try loadedTemplate() } catch { throw usageError(error) }
    }

    /// The `.json` templates of `folder`, sorted by name, each loaded or with the reason it cannot be.
    static func templates(in folder: String) -> [(path: String, template: Result<FigureTemplate, any Error>)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.map { name in
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            return (path, Result { try FigureJobs.loadTemplate(path: path) })
        }
    }

    /// The template with `--title` and `--size` applied, checked again (a larger size may exceed the pixel limit).
    func loadedTemplate() throws -> FigureTemplate {
        let path = template ?? ""
        var loaded = try FigureJobs.loadTemplate(path: path)
        if let title { loaded.title = title }
        if let size { loaded.panelSize = Double(size) }
        try loaded.validate(source: path)
        return loaded
    }

    func run() throws {
        let context = try modelOptions.context()
        if list {
            let folder = template ?? "Templates"
            let found = Self.templates(in: folder)
            guard !found.isEmpty else { throw ValidationError("\(folder) holds no .json templates; give a folder of templates") }
            for (path, loaded) in found {
                switch loaded {
                case let .success(template):
                    print("\(path): " + (TemplateFit.misfit(template, network: context.network).map { "does not fit: \($0)" } ?? "fits"))
                case let .failure(error):
                    print("\(path): unreadable: \(error)")
                }
            }
            return
        }
        let loaded = try loadedTemplate(), path = template ?? ""
        if let misfit = TemplateFit.misfit(loaded, network: context.network) {
            let folder = (path as NSString).deletingLastPathComponent
            let fitting = Self.templates(in: folder.isEmpty ? "." : folder).compactMap { entry -> String? in
                guard case let .success(other) = entry.template, TemplateFit.misfit(other, network: context.network) == nil else { return nil }
                return (entry.path as NSString).lastPathComponent
            }
            throw ValidationError("\(path) does not fit this model: \(misfit); "
                + (fitting.isEmpty ? "no template beside it fits" : "templates beside it that fit: " + fitting.joined(separator: ", ")))
        }
        print(try modelOptions.write(loaded, to: out ?? "", context: context, fromTemplateFile: true))
    }
}

enum VectorFieldDataHelp {
    static let text = "JSON (.json): {\"seed\", \"maze_dim\", \"model\" (checkpoint path), \"patches\" (SPEC texts), "
        + "\"cheese\": [x, y] or null, \"decision_square\": [x, y] or null, \"cells\": [{\"x\", \"y\", "
        + "\"probs\": {\"left\", \"down\", \"up\", \"right\", \"noop\"}, \"logits\": [15 numbers]}, ...]}, one cell per "
        + "legal mouse position (every open cell but the cheese's; maze cells, x right, y up, the start at 0,0); "
        + "probs sum procgen's action groups of the softmax of the logits; floats read back to the same Float32. "
        + "Maze edits (--cheese X,Y, --no-cheese, --facing) apply before the analysis and the drawing."
}

enum PatchSpecHelp {
    static let text = "--patch SPEC: KIND[:key=value,...], e.g. cheese:coeff=-1, top-right:coeff=1, "
        + "retarget:channels=55,value=5.5,cell=5x11, ablate:channels=55,mode=zero, random:std=0.25,seed=3."
}
