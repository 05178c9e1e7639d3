/// How far a job is: `done` of `total` units in one phase (`rollouts`, `frames`, `levels`...). A job reports
/// `done == total` once per phase when the phase ends.
public struct JobProgress: Sendable, Equatable {
    /// What is being counted, e.g. `levels`, `seeds`, `frames`.
    public let unit: String
    public let done: Int
    public let total: Int
    /// The phase of a job with several (e.g. `in-distribution` in `evaluate`); nil for a job with one.
    public let phase: String?

    public init(done: Int, total: Int, unit: String, phase: String? = nil) {
        self.done = done
        self.total = total
        self.unit = unit
        self.phase = phase
    }

    /// The callback every job takes.
    public typealias Handler = @Sendable (JobProgress) -> Void
}

extension Optional where Wrapped == JobProgress.Handler {
    /// Reports `done`/`total` when a handler is set.
    public func report(_ done: Int, of total: Int, _ unit: String, phase: String? = nil) {
        self?(JobProgress(done: done, total: total, unit: unit, phase: phase))
    }
}
