import ExperimentJobs
import Foundation
import JobSupport
import TestSupport
import Testing

/// `evaluate` reports progress inside each phase: every phase counts its own levels up to its own total, in order.
@Suite("evaluate progress")
struct EvaluationProgressTests {
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var list: [JobProgress] = []
        func add(_ event: JobProgress) { lock.lock(); list.append(event); lock.unlock() }
    }

    @Test("three phases in order, each counted 0...its own levels, with no note lines")
    func phases() throws {
        let job = EvaluationJob(inDistributionSeeds: [1_000_000, 1_000_001, 1_000_002], anywhereSeeds: [0, 1, 2, 3],
                                decisionSeeds: [0, 1], maxSteps: 8)
        let events = Events()
        _ = try job.run(in: SharedFixtures.context()) { events.add($0) }
        let list = events.list
        #expect(list.allSatisfy { $0.note == nil && $0.unit == "levels" })
        var order: [String] = []
        for event in list where order.last != event.phase { order.append(event.phase ?? "") }
        #expect(order == EvaluationJob.phases)
        for (phase, total) in zip(EvaluationJob.phases, [3, 4, 2]) {
            let mine = list.filter { $0.phase == phase }
            #expect(mine.allSatisfy { $0.total == total }, "\(phase)")
            #expect(mine.first?.done == 0 && mine.map(\.done).max() == total, "\(phase): \(mine.map(\.done))")
        }
    }
}
