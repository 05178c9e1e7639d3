import JobSupport
import TestSupport
import VideoJobs

extension RolloutJob {
    /// This job written to `path` (with `trace`), on the reference checkpoint.
    func run(to path: String, trace: String? = nil, progress: JobProgress.Handler? = nil,
             cancellation: JobCancellation? = nil,
             frameObserver: ((UnsafeRawBufferPointer, _ bytesPerRow: Int) throws -> Void)? = nil) throws -> RolloutJobSummary {
        var job = self
        job.out = path
        job.trace = trace
        return try job.run(in: SharedFixtures.context(), progress: progress, cancellation: cancellation,
                           frameObserver: frameObserver)
    }
}
