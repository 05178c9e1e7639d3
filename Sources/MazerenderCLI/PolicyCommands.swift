import ArgumentParser
import DataJobs
import Foundation
import JobSupport
import MazeSimulation
import ModelFiles

/// `--model FILE`: the policy checkpoint (default: the bundled agent, when one is installed).
struct ModelOptions: ParsableArguments {
    static let help = ArgumentHelp("Policy checkpoint: .pth (zip or legacy) or .safetensors (default: $MAZERENDER_MODEL, else the bundled agent Assets/agent/maze-rr5-scale1.pth).")

    @Option(help: help)
    var model: String?

    /// The context every job runs in: this checkpoint (with its SHA-256) and the renderer `assets` names.
    func context(_ assets: AssetOptions) throws -> JobContext { try Self.context(model: model, assets) }

    static func context(model: String?, _ assets: AssetOptions) throws -> JobContext {
        JobContext(model: try ModelLocator.load(explicit: model), renderer: try assets.renderer(),
                   command: Invocation.arguments)
    }

    func validate() throws { try Self.requireCheckpoint(model) }

    /// Refuses a missing `--model` when there is no default checkpoint either.
    static func requireCheckpoint(_ model: String?) throws {
        if model == nil, ModelLocator.defaultModelURL() == nil {
            throw ValidationError("--model FILE is required: the bundled agent (\(ModelLocator.bundledRelativePath)) was not found and $\(ModelLocator.environmentVariable) is not set")
        }
    }
}

struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Print the policy's output on each seed's first observation, one JSON line per seed.",
        discussion: """
            Fields: seed, logits (15 raw fc_policy outputs), log_softmax (15), probs {left, down, up, right, noop} \
            (sums over procgen's action groups), value. Patch SPECs: cheese[:coeff=-1,source=S], \
            top-right[:coeff=1,source=S], retarget:channels=55,value=5.5,cell=ROWxCOL, \
            ablate:channels=55,mode=zero|mean|multiply[,factor=F], random:std=0.25,seed=N, \
            resample:channels=...,source=S; each takes layer=LABEL (default embedder.block2.res1.resadd_out).
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var level: LevelOptions
    @OptionGroup var edit: EditOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        do { _ = try PolicyJobs.parsePatches(patches) } catch { throw usageError(error) }
    }

    func run() throws {
        let jobs = PolicyJobs(network: try ModelLocator.loadNetwork(explicit: modelOptions.model),
                              renderer: try assetOptions.renderer(), generator: level.generator)
        let specs = try PolicyJobs.parsePatches(patches)
        for seed in seeds.seeds {
            print(try jobs.logits(seed: seed, edits: edit.edits, patches: specs).text)
        }
    }
}

struct ActivationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activations",
        abstract: "Write one layer's activation for a seed's first observation to a float32 .npy.",
        discussion: "Layers are circrl's labels, e.g. embedder.block2.res1.resadd_out ([1, 128, 16, 16] at scale 4)."
    )

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(help: "Activation label, e.g. embedder.block2.res1.resadd_out.")
    var layer: String
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @Option(help: "Output .npy file.")
    var out: String
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var level: LevelOptions
    @OptionGroup var edit: EditOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard seed.seeds.count == 1 else { throw ValidationError("--seed \(seed) names \(seed.seeds.count) seeds; give one") }
        guard out.lowercased().hasSuffix(".npy") else { throw ValidationError("--out \(out): use a .npy file") }
        do { _ = try PolicyJobs.parsePatches(patches) } catch { throw usageError(error) }
    }

    func run() throws {
        let network = try ModelLocator.loadNetwork(explicit: modelOptions.model)
        _ = try network.activationShape(of: layer)  // an unknown label fails before any work
        let jobs = PolicyJobs(network: network, renderer: try assetOptions.renderer(), generator: level.generator)
        let value = try jobs.activation(seed: seed.seeds[0], layer: layer, edits: edit.edits,
                                        patches: try PolicyJobs.parsePatches(patches))
        do {
            try NumpyFile.write(value, to: URL(fileURLWithPath: out))
        } catch {
            throw JobError("\(error)")
        }
    }
}
