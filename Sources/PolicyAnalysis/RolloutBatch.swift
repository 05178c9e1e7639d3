import Dispatch
import MazeSimulation

extension Rollouts {
    /// Every seed with its own variants (for patches computed per level, such as the cheese vector of the
    /// target seed); `result[s][v]` is `seeds[s]` played by `variants[s][v]`.
    ///
    /// Episodes run in parallel on all cores when `parallel` (one episode per worker, each forward pass
    /// batch 1); every episode depends only on its seed, variant index and `selection`, so the result equals a
    /// serial run. `progress` is called from worker threads after each episode with the index of its seed,
    /// the number of finished episodes and the total.
    ///
    /// - Parameters:
    ///   - seeds: level seeds, generated with `generator`.
    ///   - variants: one list per seed, `variants.count == seeds.count`; lists may differ in length.
    ///   - generator: how seeds become mazes.
    ///   - evaluator: the policy that plays every episode.
    ///   - maxSteps: step limit per episode (default 256); episodes also end at the cheese or procgen's timeout.
    ///   - selection: how each step's action is chosen from the distribution (default `.argmax`).
    ///   - parallel: one episode per worker on all cores (default); `false` plays them in order on the
    ///     calling thread.
    ///   - progress: called after each episode with its seed's index, the finished episodes and the total.
    /// - Throws: the first error (in seed, then variant order) any episode threw.
    ///
    /// Cost: one forward pass per step of every episode.
    public static func run(
        seeds: [Int32], variants: [[RolloutVariant]], generator: LevelGenerator, evaluator: PolicyEvaluator,
        maxSteps: Int = 256, selection: ActionSelection = .argmax, parallel: Bool = true,
        progress: (@Sendable (_ seedIndex: Int, _ finishedEpisodes: Int, _ totalEpisodes: Int) -> Void)? = nil
    ) throws -> [[Rollout]] {
        try map(seeds: seeds, variants: variants, generator: generator, evaluator: evaluator, maxSteps: maxSteps,
                selection: selection, parallel: parallel, progress: progress) { $0 }
    }

    /// Like `run(seeds:variants:...)`, but each finished episode is handed to `summarize` on its worker and only
    /// the summary is kept, so memory holds the episodes in flight (one per core) plus the summaries, not every
    /// step of every episode: what experiments over thousands of levels need.
    public static func map<Summary: Sendable>(
        seeds: [Int32], variants: [[RolloutVariant]], generator: LevelGenerator, evaluator: PolicyEvaluator,
        maxSteps: Int = 256, selection: ActionSelection = .argmax, parallel: Bool = true,
        progress: (@Sendable (_ seedIndex: Int, _ finishedEpisodes: Int, _ totalEpisodes: Int) -> Void)? = nil,
        summarize: @escaping @Sendable (Rollout) throws -> Summary
    ) throws -> [[Summary]] {
        precondition(seeds.count == variants.count, "Rollouts.run: \(seeds.count) seeds but \(variants.count) variant lists")
        let jobs = seeds.indices.flatMap { s in variants[s].indices.map { (s, $0) } }
        let results = ResultSlots<Result<Summary, any Error>>(count: jobs.count)
        let work: @Sendable (Int) -> Void = { job in
            let (seedIndex, variantIndex) = jobs[job]
            let outcome = Result {
                try summarize(play(generator.generate(seed: seeds[seedIndex]), variant: variants[seedIndex][variantIndex],
                                   variantIndex: variantIndex, evaluator: evaluator, maxSteps: maxSteps,
                                   selection: selection))
            }
            let finished = results.store(outcome, at: job)
            progress?(seedIndex, finished, jobs.count)
        }
        if parallel {
            DispatchQueue.concurrentPerform(iterations: jobs.count, execute: work)
        } else {
            for job in jobs.indices { work(job) }
        }
        let flat = try results.values.map { try $0!.get() }
        var start = 0
        return variants.map { list in
            defer { start += list.count }
            return Array(flat[start..<(start + list.count)])
        }
    }
}
