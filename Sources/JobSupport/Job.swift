import ImpalaPolicy
import MazeObservation
import OutputFiles
import PolicyAnalysis

/// A unit of work a front end runs, in one shape: the job value holds its settings (including where it writes),
/// `run(in:progress:)` does the work, reporting through one callback, and returns one `Result` value (what it
/// wrote and measured). Failures are `JobError`s naming the setting, seed or file, or the lower layers' typed
/// errors. The CLI, the explorer and tests drive the same jobs.
public protocol Job: Sendable {
    associatedtype Result: Sendable
    /// Runs the job. - Parameter progress: called as work completes, possibly from worker threads.
    func run(in context: JobContext, progress: JobProgress.Handler?) throws -> Result
}

/// What every job runs with besides its own settings: the policy, the checkpoint it came from and the
/// observation renderer. Front ends build it once (the CLI from `--model` and `--assets`).
public struct JobContext: Sendable {
    public let network: ImpalaNetwork
    public let renderer: ObservationRenderer
    /// The checkpoint's path, as outputs report it (nil for a network that did not come from a file).
    public let modelPath: String?
    /// SHA-256 of the checkpoint's bytes (nil when not from a file).
    public let modelSHA256: String?
    /// The command line that started the work (empty when no front end recorded one).
    public let command: [String]

    public init(network: ImpalaNetwork, renderer: ObservationRenderer, modelPath: String? = nil,
                modelSHA256: String? = nil, command: [String] = []) {
        self.network = network
        self.renderer = renderer
        self.modelPath = modelPath
        self.modelSHA256 = modelSHA256
        self.command = command
    }

    /// The context of a loaded checkpoint.
    public init(model: LoadedModel, renderer: ObservationRenderer, command: [String] = []) {
        self.init(network: model.network, renderer: renderer, modelPath: model.path, modelSHA256: model.sha256,
                  command: command)
    }

    /// What the outputs of this context record about their making (version, command line, model); jobs add
    /// the seeds and patches of each output with `Provenance.describing(seeds:patches:)`.
    public var provenance: Provenance {
        Provenance(command: command, model: modelPath, modelSHA256: modelSHA256)
    }

    /// Batched forward passes over rendered observations.
    public var evaluator: PolicyEvaluator { PolicyEvaluator(network: network, renderer: renderer) }
}

/// How far a job is: `done` of `total` `unit`s (`seeds`, `levels`, `frames`...) in a phase.
public struct JobProgress: Sendable, Equatable {
    public let done: Int
    public let total: Int
    public let unit: String
    /// The phase of a job with several (`rollouts`, then `video`); nil for a job with one.
    public let phase: String?
    /// A line for the user instead of counts (`probe: fitting 12 probes`), or nil.
    public let note: String?

    public init(done: Int, total: Int, unit: String, phase: String? = nil) {
        self.done = done
        self.total = total
        self.unit = unit
        self.phase = phase
        note = nil
    }

    /// A status line with no counts.
    public init(note: String) {
        done = 0
        total = 0
        unit = ""
        phase = nil
        self.note = note
    }

    /// The one progress callback every job takes.
    public typealias Handler = @Sendable (JobProgress) -> Void

    /// `handler` with each report's phase put after `prefix` (`model_5.pth`, `model_5.pth: decision-square`), for
    /// a job run once per model of a `ModelList` (nil when there is no handler).
    public static func prefixed(_ handler: Handler?, _ prefix: String) -> Handler? {
        guard let handler else { return nil }
        return { progress in
            if progress.note != nil { return handler(progress) }
            handler(JobProgress(done: progress.done, total: progress.total, unit: progress.unit,
                                phase: prefix + (progress.phase.map { ": " + $0 } ?? "")))
        }
    }

    /// A `(done, total)` counter over `handler`, for loops that count one unit (nil when there is no handler).
    public static func counter(_ handler: Handler?, unit: String, phase: String? = nil) -> (@Sendable (Int, Int) -> Void)? {
        guard let handler else { return nil }
        return { done, total in handler(JobProgress(done: done, total: total, unit: unit, phase: phase)) }
    }
}
