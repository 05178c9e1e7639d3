import Dispatch
import Foundation
import MazeSimulation
import PolicyAnalysis

/// Rollouts played on background workers while the caller draws and encodes: episodes are handed out seed by
/// seed, and `waitForSeeds` returns a page's rollouts as soon as they are all finished, so the first seeds are
/// on screen while later ones still play. Every episode depends only on its seed, variant and the selection, so
/// the results equal `Rollouts.run` and a serial run.
final class RolloutPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [[Rollout?]]
    private var failure: (any Error)?
    private var stopped = false
    private var running = true
    private var seedsDone = 0, episodesDone = 0
    private let episodeCount: Int
    /// Wall-clock seconds from `start` until the last episode finished.
    private(set) var elapsedSeconds = 0.0

    init(variants: [[RolloutVariant]]) {
        slots = variants.map { Array(repeating: nil, count: $0.count) }
        episodeCount = variants.map(\.count).reduce(0, +)
    }

    /// Starts playing every episode (`variants[s][v]` on `seeds[s]`) on all cores, in the background.
    func start(seeds: [Int32], variants: [[RolloutVariant]], generator: LevelGenerator, evaluator: PolicyEvaluator,
               maxSteps: Int, selection: ActionSelection, parallel: Bool,
               progress: (any RolloutProgressReporting)?) {
        let jobs = seeds.indices.flatMap { s in variants[s].indices.map { (s, $0) } }
        let total = jobs.count, seedCount = seeds.count
        progress?.rolloutsAdvanced(seedsDone: 0, seedCount: seedCount, episodesDone: 0, episodeCount: total)
        let began = DispatchTime.now().uptimeNanoseconds
        Thread.detachNewThread { [self] in
            let work: @Sendable (Int) -> Void = { job in
                let (s, v) = jobs[job]
                guard !self.isStopped else { return }
                let outcome = Result {
                    try Rollouts.play(generator.generate(seed: seeds[s]), variant: variants[s][v], variantIndex: v,
                                      evaluator: evaluator, maxSteps: maxSteps, selection: selection)
                }
                let counts = self.store(outcome, seed: s, variant: v)
                progress?.rolloutsAdvanced(seedsDone: counts.seeds, seedCount: seedCount, episodesDone: counts.episodes,
                                           episodeCount: total)
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

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped || failure != nil
    }

    private func store(_ outcome: Result<Rollout, any Error>, seed: Int, variant: Int) -> (seeds: Int, episodes: Int) {
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

    /// Blocks until every episode of `seeds` (indices) is finished. - Returns: `result[i][v]` for `seeds[i]`.
    /// - Throws: the first error any episode threw.
    func waitForSeeds(_ seeds: [Int]) throws -> [[Rollout]] {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil, !seeds.allSatisfy({ slots[$0].allSatisfy { $0 != nil } }) {
            guard running else { break }
            condition.wait()
        }
        if let failure { throw failure }
        return try seeds.map { s in
            try slots[s].map { rollout in
                guard let rollout else { throw JobError("rollouts stopped before seed index \(s) finished") }
                return rollout
            }
        }
    }

    /// Every seed's rollouts when all episodes are finished (without waiting), else nil.
    func allRollouts() -> [[Rollout]]? {
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil, slots.allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return nil }
        return slots.map { $0.map { $0! } }
    }

    /// Asks the workers to start no new episode and waits for those under way to finish.
    func stopAndWait() {
        condition.lock()
        stopped = true
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
