import ArgumentParser
import DataJobs
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles

extension Facing: ExpressibleByArgument {}

/// `--assets DIR`: where procgen's images are (default: $MAZERENDER_ASSETS, else Assets/procgen).
struct AssetOptions: ParsableArguments {
    @Option(help: "Directory holding procgen's images (default: $MAZERENDER_ASSETS, else Assets/procgen; Scripts/fetch-assets.sh installs them).")
    var assets: String?

    func renderer() throws -> ObservationRenderer {
        do {
            return ObservationRenderer(assets: try ObservationAssets.load(directory: assets))
        } catch {
            throw JobError(error.description)
        }
    }
}

/// Cell edits shared by commands that draw one maze state.
struct EditOptions: ParsableArguments {
    @Option(help: "Put the mouse on maze cell X,Y (x right, y up; default: the start, 0,0).", transform: parseMazePoint)
    var mouse: MazePoint?

    @OptionGroup var level: CheeseEditOptions

    var edits: MazeEdits {
        var edits = level.edits
        edits.mouse = mouse
        return edits
    }
}

/// The edits of commands that place the mouse themselves (a vector field on every cell, a heat map at the
/// start): `--cheese X,Y`, `--no-cheese`, `--facing`.
struct CheeseEditOptions: ParsableArguments {
    @Option(help: "Move the cheese to maze cell X,Y (default: where the level puts it).", transform: parseMazePoint)
    var cheese: MazePoint?

    @Flag(help: "Remove the cheese.")
    var noCheese = false

    @Option(help: "Which way the mouse faces: left (procgen's start, the default) or right.")
    var facing: Facing?

    func validate() throws {
        if noCheese && cheese != nil { throw ValidationError("--no-cheese and --cheese contradict each other; use one") }
    }

    var edits: MazeEdits { MazeEdits(cheese: cheese, removeCheese: noCheese, facing: facing) }
}

struct ObsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obs",
        abstract: "Write procgen's 64x64 observations of level seeds (.npy for many, .png for one).",
        discussion: """
            .npy: uint8 [N, 64, 64, 3], RGB, row 0 at the top, loadable with numpy.load; byte for byte what procgen \
            0.10.7 returns. .png: one seed, enlarged by nearest neighbour with --scale (or --size), carrying the \
            command line, seed and --title as PNG text (mazerender info FILE prints them); the pixels stay the \
            observation's, so the title is not drawn.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList

    @Option(help: "Output file: .npy or .png.")
    var out: String

    @Option(help: "For .png: enlarge each pixel to KxK.")
    var scale = 1

    @Option(help: ArgumentHelp("For .png: the image's side in px, a multiple of 64 up to 4096 (instead of --scale; default 64).",
                               valueName: "px"))
    var size: Int?

    @Option(help: "For .png: a title stored in the file's metadata (the observation's pixels are left as they are).")
    var title: String?

    @OptionGroup var level: LevelOptions
    @OptionGroup var edit: EditOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale) is out of range; use 1...64") }
        if let size {
            guard scale == 1 else { throw ValidationError("--size and --scale both set the image's size; give one") }
            guard size % 64 == 0, (64...4096).contains(size) else {
                throw ValidationError("--size \(size): give a multiple of 64 from 64 to 4096 (the observation is 64x64 px)")
            }
        }
        switch OutputKind(path: out) {
        case .npy:
            if size != nil || title != nil { throw ValidationError("--size and --title apply to a .png --out, not \(out)") }
        case .png:
            guard seeds.seeds.count == 1 else {
                throw ValidationError("--out \(out): a .png holds one seed but --seeds names \(seeds.seeds.count); use .npy for several")
            }
        case nil: throw ValidationError("--out \(out): unknown extension; use .npy or .png")
        }
    }

    func run() throws {
        let renderer = try assetOptions.renderer()
        switch OutputKind(path: out) {
        case .png:
            let observations = try ObservationJobs.observations(
                seeds: seeds.seeds, generator: level.generator, edits: edit.edits, renderer: renderer)
            var entries = Provenance(command: Invocation.arguments).describing(seeds: seeds.description).entries
            if let title, !title.isEmpty { entries.insert((key: "Title", value: title), at: 0) }
            try ImageFiles.writePNG(observations[0], scale: size.map { $0 / 64 } ?? scale, to: out, metadata: entries)
        default:
            try ObservationJobs.writeNPY(seeds: seeds.seeds, generator: level.generator, edits: edit.edits,
                                         renderer: renderer, to: out)
        }
    }

    enum OutputKind {
        case npy, png
        init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".npy") { self = .npy } else if lower.hasSuffix(".png") { self = .png } else { return nil }
        }
    }
}

struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Replay actions on a seed: one JSON line per step, observations to an .npy.",
        discussion: """
            Actions are procgen's 15 (1 left, 3 down, 5 up, 7 right, 4 no-op; diagonals move horizontally, 9-14 do \
            nothing). Row t is the state after action t (t = 0 is the initial state). When an episode ends (cheese \
            or 500 steps) the environment resets at once, as procgen's does: that row already shows the new episode.
            """
    )

    @Option(parsing: .unconditional, help: "Level seed (0 ... 2147483647).", transform: parseSeeds)
    var seed: SeedList

    @Option(help: "Comma-separated actions, e.g. 7,7,5,3.", transform: ObservationJobs.parseActions)
    var actions: [MazeAction]

    @Option(help: "Write the observation after every step to this .npy (uint8 [T+1, 64, 64, 3]).")
    var out: String?

    @OptionGroup var level: LevelOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard seed.seeds.count == 1 else { throw ValidationError("--seed \(seed) names \(seed.seeds.count) seeds; give one") }
        if let out, !out.lowercased().hasSuffix(".npy") { throw ValidationError("--out \(out): use a .npy file") }
    }

    func run() throws {
        let renderer = try out.map { _ in try assetOptions.renderer() }
        let steps = ObservationJobs.play(seed: seed.seeds[0], generator: level.generator, actions: actions)
        for step in steps { print(step.json.text) }
        if let out, let renderer {
            try ObservationJobs.writeNPY(steps.map { renderer.render($0.state) }, to: out)
        }
    }
}
