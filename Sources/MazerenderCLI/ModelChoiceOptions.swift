import ArgumentParser
import JobSupport

/// `--model FILE` or `--models FILE...|FOLDER`: one checkpoint, or several run one after the other and compared
/// (`evaluate`, `stats`; `animate` shows one per frame).
struct ModelChoiceOptions: ParsableArguments {
    @Option(help: ModelOptions.help)
    var model: String?

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Run once per checkpoint and compare: checkpoint files in the order given, or a folder (its .pth, .pt and .safetensors files, ordered by the last number in each name, e.g. the region N of model_rand_region_N.pth or the training step; names without a number last). Each is checked (a maze IMPALA, given once) before any work. Not with --model. Default: none, one --model.",
                               valueName: "file|folder"))
    var models: [String] = []

    /// No `--models`: the command runs one checkpoint, as without this option.
    var isSingle: Bool { models.isEmpty }

    func validate() throws {
        if let model, !models.isEmpty {
            throw ValidationError("--model \(model) and --models name the checkpoints two ways; give one of them (--models also takes a single file)")
        }
        if models.isEmpty { try ModelOptions.requireCheckpoint(model) }
    }

    /// The one checkpoint's context (`--model`, or the default agent).
    func context(_ assets: AssetOptions) throws -> JobContext { try ModelOptions.context(model: model, assets) }

    /// The checkpoints of `--models`, each loaded once to check it.
    /// - Throws: `JobError` about `models` (a usage error, exit 64), naming the file.
    func resolve() throws(JobError) -> ModelList { try ModelList.resolve(models) }
}
