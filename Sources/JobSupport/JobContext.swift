import ImpalaPolicy
import MazeObservation
import PolicyAnalysis

/// What every job runs with besides its own settings: the policy, the checkpoint it came from and the
/// observation renderer. Front ends build it once (the CLI from `--model` and `--assets`, the explorer at start).
public struct JobContext: Sendable {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    /// The checkpoint's path, as outputs report it (nil for a network that did not come from a file).
    public let modelPath: String?
    /// SHA-256 of the checkpoint's bytes (nil when not from a file).
    public let modelSHA256: String?

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, modelPath: String? = nil, modelSHA256: String? = nil) {
        self.network = network
        self.renderer = renderer
        self.modelPath = modelPath
        self.modelSHA256 = modelSHA256
    }

    /// The context of a loaded checkpoint.
    public init(model: LoadedModel, renderer: ObservationRenderer) {
        self.init(network: model.network, renderer: renderer, modelPath: model.path, modelSHA256: model.sha256)
    }

    /// Batched forward passes over rendered observations.
    public var evaluator: PolicyEvaluator { PolicyEvaluator(network: network, renderer: renderer) }
}

/// A unit of work a front end runs: its settings are the value itself, it reports progress through one callback,
/// and returns one result value (what it wrote and measured). Failures are `JobError`s naming the setting, seed
/// or file, or the lower layers' own typed errors.
public protocol Job: Sendable {
    associatedtype Result: Sendable
    /// Runs the job. - Parameter progress: called as work completes (on the calling thread, in order).
    func run(in context: JobContext, progress: JobProgress.Handler?) throws -> Result
}
