import CairoGraphics
import Dispatch
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeRendering
import PolicyAnalysis
// Internal: clients of RenderJobs need not load VideoEncoding (and its C module) to use the job.
internal import VideoEncoding

/// A flag another thread (a Ctrl-C handler, a test) sets to stop a running job; the job then throws
/// `JobError` and removes its temporary video file.
public final class JobCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

extension RolloutJob {
    /// Plays every variant on every seed, then draws and encodes the video frame by frame (each frame is drawn,
    /// handed to the encoder and overwritten by the next; only the rollouts stay in memory).
    ///
    /// The encoder is opened first, so a bad path, size or missing codec fails before any forward pass. The video
    /// is written to a hidden temporary file renamed onto `path` at the end; on any error or cancellation the
    /// temporary file is removed and nothing appears under `path`.
    ///
    /// - Parameters:
    ///   - network: the policy.
    ///   - assets: procgen's images, for observations and the human view.
    ///   - path: `.mp4` (H.264, MPEG-4 when libx264 is missing), `.gif` or `.webm` (VP9).
    /// - Returns: the summary, with the timing split into patches, rollouts, drawing and encoding.
    /// - Throws: `JobError` (bad output, a seed whose patch cannot be built, cancellation), `VideoEncodingError`,
    ///   `FFmpegError`, `CairoError`, or the network's errors.
    public func run(network: ImpalaNetwork, assets: ObservationAssets, to path: String,
                    progress: (any RolloutProgressReporting)? = nil,
                    cancellation: JobCancellation? = nil) throws -> RolloutJobSummary {
        let clock = ContinuousClock(), started = clock.now
        defer { progress?.finished() }
        try Self.checkOutput(path)
        guard !seeds.isEmpty, !variants.isEmpty else { throw JobError("nothing to render: no seeds or no variants") }
        guard maxSteps >= 1 else { throw JobError("--max-steps \(maxSteps) must be at least 1") }
        let sprites = try MazeSprites(assets: assets)
        let observations = ObservationRenderer(assets: assets)
        let frameLayout = self.frameLayout
        let encoder = try VideoEncoder(path: path, width: frameLayout.width, height: frameLayout.height, fps: fps)
        do {
            var timing = (patches: Duration.zero, rollouts: Duration.zero, drawing: Duration.zero, encoding: Duration.zero)
            var start = clock.now
            let resolved = try resolveVariants(network: network, renderer: observations)
            timing.patches = clock.now - start
            try checkCancelled(cancellation)

            start = clock.now
            let rollouts = try playAll(resolved, evaluator: PolicyEvaluator(network: network, renderer: observations),
                                       progress: progress)
            timing.rollouts = clock.now - start
            try checkCancelled(cancellation)

            let schedule = RolloutFrameSchedule(
                rollouts: rollouts, variantNames: variants.map(\.name), seedsPerPage: frameLayout.groupsPerFrame,
                titleFrames: max(1, fps), endFrames: max(1, fps), selection: selection)
            let renderer = RolloutFrameRenderer(layout: frameLayout, sprites: sprites, padding: padding)
            let canvas = try renderer.makeCanvas()
            let total = schedule.frameCount
            progress?.framesAdvanced(encoded: 0, total: total)
            try schedule.forEachFrame { _, _, content in
                try checkCancelled(cancellation)
                let drawStart = clock.now
                try renderer.draw(content, on: canvas)
                let encodeStart = clock.now
                try canvas.withUnsafePixels { pixels, _, _, stride in
                    try encoder.append(UnsafeRawBufferPointer(pixels), layout: .bgra, bytesPerRow: stride)
                }
                let end = clock.now
                timing.drawing += encodeStart - drawStart
                timing.encoding += end - encodeStart
                progress?.framesAdvanced(encoded: encoder.frameCount, total: total)
            }
            start = clock.now
            try encoder.finish()
            timing.encoding += clock.now - start

            let episodes = rollouts.flatMap { $0.map {
                RolloutJobSummary.Episode(seed: $0.seed, variant: $0.variant, steps: $0.steps.count, ending: $0.ending)
            } }
            return RolloutJobSummary(
                path: path, width: frameLayout.width, height: frameLayout.height, fps: fps,
                codec: encoder.codec.rawValue, frames: encoder.frameCount, episodes: episodes,
                patchSeconds: timing.patches.seconds, rolloutSeconds: timing.rollouts.seconds,
                drawingSeconds: timing.drawing.seconds, encodingSeconds: timing.encoding.seconds,
                totalSeconds: (clock.now - started).seconds)
        } catch {
            encoder.cancel()
            throw error
        }
    }

    /// Each variant's patches resolved for each seed: `result[s][v]`.
    func resolveVariants(network: ImpalaNetwork, renderer: ObservationRenderer) throws -> [[RolloutVariant]] {
        try seeds.map { seed in
            try variants.map { variant in
                do {
                    return RolloutVariant(name: variant.name, edits: try resolveEdits(
                        specs: variant.patches, targetSeed: seed, network: network, renderer: renderer,
                        generator: generator))
                } catch let error as JobError {
                    throw JobError("variant '\(variant.name)' on seed \(seed): \(error.description)")
                } catch {
                    throw JobError("variant '\(variant.name)' on seed \(seed): \(error)")
                }
            }
        }
    }

    /// The rollouts, in parallel when `parallel`, reporting seeds as all their episodes finish.
    func playAll(_ variants: [[RolloutVariant]], evaluator: PolicyEvaluator,
                 progress: (any RolloutProgressReporting)?) throws -> [[Rollout]] {
        let counter = SeedCompletion(seedCount: seeds.count, episodesPerSeed: variants.map(\.count))
        progress?.rolloutsAdvanced(seedsDone: 0, seedCount: seeds.count, episodesDone: 0, episodeCount: counter.episodeCount)
        return try Rollouts.run(
            seeds: seeds, variants: variants, generator: generator, evaluator: evaluator, maxSteps: maxSteps,
            selection: selection, parallel: parallel
        ) { seedIndex, finished, total in
            let seedsDone = counter.finishEpisode(of: seedIndex)
            progress?.rolloutsAdvanced(seedsDone: seedsDone, seedCount: counter.seedCount, episodesDone: finished,
                                       episodeCount: total)
        }
    }
}

private func checkCancelled(_ cancellation: JobCancellation?) throws {
    if cancellation?.isCancelled == true { throw JobError("cancelled; no video written") }
}

/// Counts finished episodes per seed from worker threads.
private final class SeedCompletion: @unchecked Sendable {
    let seedCount: Int
    let episodeCount: Int
    private var remaining: [Int]
    private var seedsDone = 0
    private let lock = NSLock()

    init(seedCount: Int, episodesPerSeed: [Int]) {
        self.seedCount = seedCount
        remaining = episodesPerSeed
        episodeCount = episodesPerSeed.reduce(0, +)
    }

    /// Records one finished episode of seed `index`; returns the number of seeds with all episodes done.
    func finishEpisode(of index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        remaining[index] -= 1
        if remaining[index] == 0 { seedsDone += 1 }
        return seedsDone
    }
}

fileprivate extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
