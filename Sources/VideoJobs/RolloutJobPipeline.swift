import Dispatch
import Foundation
import JobSupport
import MazeSimulation
import PolicyAnalysis

/// Rollouts played on background workers while the caller draws and encodes: episodes are handed out seed by
/// seed, and `waitForSeeds` returns a page's rollouts as soon as they are all finished, so the first seeds are
/// on screen while later ones still play. Every episode depends only on its seed, variant and the selection, so
/// the results equal `Rollouts.run` and a serial run.
///
/// Memory is bounded by the work in flight, not by the seed count: each variant's patch is resolved by the
/// worker that plays it, workers run at most `window` seeds ahead of the last page handed out, and a page's
/// rollouts are released once handed out.
final class RolloutPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [[Rollout?]]
    private var failure: (any Error)?
    private var stopped = false
    private var running = true
    private var seedsDone = 0, episodesDone = 0
    /// Seeds below this index were handed out by `waitForSeeds` and released.
    private var handedOut = 0
    private let window: Int
    private let variantCount: Int
    /// Wall-clock seconds from `start` until the last episode finished.
    private(set) var elapsedSeconds = 0.0
    /// Seconds the workers spent resolving patches, summed over workers.
    private(set) var patchSeconds = 0.0

    /// - Parameters:
    ///   - window: how many seeds past the last page handed out may be played or held; at least one page.
    init(seedCount: Int, variantCount: Int, window: Int) {
        slots = Array(repeating: Array(repeating: nil, count: variantCount), count: seedCount)
        self.variantCount = variantCount
        self.window = max(1, window)
    }

    /// Starts playing every episode (variant `v` of `seeds[s]`, built by `resolve(s, v)`) in the background.
    func start(seeds: [Int32], resolve: @escaping @Sendable (_ seedIndex: Int, _ variant: Int) throws -> RolloutVariant,
               generator: LevelGenerator, evaluator: PolicyEvaluator, maxSteps: Int, selection: ActionSelection,
               endOnLoop: Bool, parallel: Bool, progress: JobProgress.Handler?) {
        let variantCount = self.variantCount
        let total = seeds.count * variantCount, seedCount = seeds.count
        Self.report(progress, seeds: (0, seedCount), episodes: (0, total))
        let began = DispatchTime.now().uptimeNanoseconds
        Thread.detachNewThread { [self] in
            // Jobs are claimed in index order, seed by seed, so the seeds of the page the caller waits for are
            // always claimed before any job that waits for the window to move.
            let work: @Sendable (Int) -> Void = { job in
                let (s, v) = (job / variantCount, job % variantCount)
                guard self.waitForWindow(seed: s) else { return }
                let outcome = Swift.Result { () throws -> Rollout in
                    let resolveStart = DispatchTime.now().uptimeNanoseconds
                    let variant = try resolve(s, v)
                    self.addPatchTime(DispatchTime.now().uptimeNanoseconds - resolveStart)
                    return try Rollouts.play(generator.generate(seed: seeds[s]), variant: variant, variantIndex: v,
                                             evaluator: evaluator, maxSteps: maxSteps, selection: selection,
                                             endOnLoop: endOnLoop)
                }
                let counts = self.store(outcome, seed: s, variant: v)
                Self.report(progress, seeds: (counts.seeds, seedCount), episodes: (counts.episodes, total))
            }
            if parallel {
                DispatchQueue.concurrentPerform(iterations: total, execute: work)
            } else {
                for job in 0..<total { work(job) }
            }
            self.condition.lock()
            self.running = false
            self.elapsedSeconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    /// Blocks while `seed` is more than `window` seeds past the pages handed out. - Returns: false once stopped.
    private func waitForWindow(seed: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopped, failure == nil, seed >= handedOut + window { condition.wait() }
        return !stopped && failure == nil
    }

    private func addPatchTime(_ nanoseconds: UInt64) {
        condition.lock()
        patchSeconds += Double(nanoseconds) / 1e9
        condition.unlock()
    }

    /// Seeds whose episodes are all played, then episodes played, in the `rollouts` phase.
    private static func report(_ progress: JobProgress.Handler?, seeds: (Int, Int), episodes: (Int, Int)) {
        progress?(JobProgress(done: seeds.0, total: seeds.1, unit: "seeds", phase: "rollouts"))
        progress?(JobProgress(done: episodes.0, total: episodes.1, unit: "episodes", phase: "rollouts"))
    }

    private func store(_ outcome: Swift.Result<Rollout, any Error>, seed: Int, variant: Int) -> (seeds: Int, episodes: Int) {
        condition.lock()
        defer { condition.unlock() }
        switch outcome {
        case let .success(rollout):
            slots[seed][variant] = rollout
            if slots[seed].allSatisfy({ $0 != nil }) { seedsDone += 1 }
        case let .failure(error):
            if failure == nil { failure = error }
        }
        episodesDone += 1
        condition.broadcast()
        return (seedsDone, episodesDone)
    }

    /// Blocks until every episode of `seeds` (consecutive indices, in order) is finished, hands their rollouts
    /// over and releases them here. - Returns: `result[i][v]` for `seeds[i]`.
    /// - Throws: the first error any episode threw.
    func waitForSeeds(_ seeds: [Int]) throws -> [[Rollout]] {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil, !seeds.allSatisfy({ slots[$0].allSatisfy { $0 != nil } }) {
            guard running else { break }
            condition.wait()
        }
        if let failure { throw failure }
        let page = try seeds.map { s in
            try slots[s].map { rollout in
                guard let rollout else { throw JobError("rollouts stopped before seed index \(s) finished") }
                return rollout
            }
        }
        for s in seeds { slots[s] = Array(repeating: nil, count: variantCount) }
        handedOut = max(handedOut, (seeds.max() ?? -1) + 1)
        condition.broadcast()
        return page
    }

    /// The rollouts of every seed from `first` on when all of them are finished (without waiting), else nil.
    func remainingRollouts(from first: Int) -> [[Rollout]]? {
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil, first >= handedOut,
              slots[first...].allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return nil }
        return slots[first...].map { $0.map { $0! } }
    }

    /// Asks the workers to start no new episode and waits for those under way to finish.
    func stopAndWait() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    /// Waits for every episode. - Returns: wall-clock seconds the rollouts took.
    func waitForAll() -> Double {
        condition.lock()
        defer { condition.unlock() }
        while running { condition.wait() }
        return elapsedSeconds
    }
}
