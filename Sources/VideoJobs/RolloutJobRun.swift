import CairoGraphics
import Dispatch
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import OutputFiles
import PolicyAnalysis
// Internal: clients of VideoJobs need not load VideoEncoding (and its C module) to use the job.
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
    /// Plays every variant on every seed and draws and encodes the video frame by frame (each frame is drawn,
    /// handed to the encoder and overwritten by the next; only the rollouts stay in memory). Rollouts run on all
    /// cores in the background, seed by seed; each page of the video is drawn as soon as its seeds are played, so
    /// drawing and encoding overlap the later rollouts. With `pipelined` (the default) the encoder runs on its own
    /// thread, at most a few frames behind the drawing (`BackgroundEncoder`), frames equal to the previous one
    /// are not drawn again, panels that did not change are not painted again and only changed regions are
    /// colour-converted. Results equal a serial run, and the
    /// video's bytes equal those of the serial reference (`pipelined = false`).
    ///
    /// The encoder is opened first, so a bad path, size or missing codec fails before any forward pass. The video
    /// is written to a hidden temporary file renamed onto `path` at the end; on any error or cancellation the
    /// temporary file is removed and nothing appears under `path`.
    ///
    /// The trace (`trace`), when set, is streamed page by page as the video is drawn and put in place with it;
    /// checked before any work, removed on any error.
    ///
    /// - Parameters:
    ///   - context: the policy, and the renderer whose assets also give the human view.
    ///   - progress: `rollouts` (seeds and episodes played) from worker threads, then `video` (frames encoded).
    ///   - cancellation: set from another thread to stop the job.
    ///   - frameObserver: when given, sees every frame as drawn (BGRA rows, the row stride in bytes) just
    ///     before it is encoded; for tests that compare the video with what was drawn.
    /// - Returns: the summary, with the timing split into patches, rollouts, drawing and encoding.
    /// - Throws: `JobError` (bad output, a seed whose patch cannot be built, cancellation), `VideoEncodingError`,
    ///   `FFmpegError`, `CairoError`, or the network's errors.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> RolloutJobSummary {
        try run(in: context, progress: progress, cancellation: nil, frameObserver: nil)
    }

    /// What the video records about its making: the context's version, command line and model, this job's seeds,
    /// and each patched variant as written when its caption is its spec (`cheese:coeff=-1`), else as
    /// `NAME=SPEC;SPEC` with the specs spelled out.
    public func provenance(in context: JobContext) -> Provenance {
        let patched = variants.filter { !$0.patches.isEmpty }.map { variant in
            if let named = try? RolloutVariantSpec(parsing: variant.name), named.patches == variant.patches {
                return variant.name
            }
            return "\(variant.name)=" + variant.patches.map(\.description).joined(separator: ";")
        }
        return context.provenance.describing(seeds: Provenance.seedText(seeds), patches: patched)
    }

    /// `run(in:progress:)` with a cancellation flag and a frame observer (tests).
    public func run(in context: JobContext, progress: JobProgress.Handler?, cancellation: JobCancellation?,
                    frameObserver: ((UnsafeRawBufferPointer, _ bytesPerRow: Int) throws -> Void)?)
        throws -> RolloutJobSummary {
        let network = context.network, assets = context.renderer.assets, path = out, tracePath = trace
        let clock = ContinuousClock(), started = clock.now
        try Self.checkOutput(path)
        if let tracePath { try Self.checkTrace(tracePath, video: path) }
        guard !seeds.isEmpty, !variants.isEmpty else { throw JobError("nothing to render: no seeds or no variants") }
        guard maxSteps >= 1 else { throw JobError(.maxSteps, "\(maxSteps) must be at least 1") }
        let sprites = try MazeSprites(assets: assets)
        let observations = ObservationRenderer(assets: assets)
        let frameLayout = self.frameLayout
        let encoder = try VideoEncoder(path: path, width: frameLayout.width, height: frameLayout.height, fps: fps,
                                       conversion: pipelined ? .changedRegions : .wholeFrame,
                                       metadata: provenance(in: context).entries)
        let sink: any FrameSink = pipelined ? BackgroundEncoder(encoder: encoder) : DirectFrameSink(encoder: encoder)
        var trace: JSONLinesStream?
        do {
            if let tracePath { trace = try JSONLinesStream(path: tracePath) }
            var drawing = Duration.zero
            let renderer = RolloutFrameRenderer(layout: frameLayout, sprites: sprites, padding: padding)
            let canvas = try renderer.makeCanvas()
            // Rollouts play in the background; each page is drawn as soon as its seeds are done, and its rollouts
            // are released then (the workers stay at most a few pages ahead). Pipelined, the encoder works on its
            // own thread while the next frames are drawn.
            let pages = stride(from: 0, to: seeds.count, by: frameLayout.groupsPerFrame).map {
                Array($0..<min(seeds.count, $0 + frameLayout.groupsPerFrame))
            }
            let pipeline = RolloutPipeline(
                seedCount: seeds.count, variantCount: variants.count,
                window: max(2 * frameLayout.groupsPerFrame, 4 * ProcessInfo.processInfo.activeProcessorCount))
            pipeline.start(seeds: seeds, resolve: variantResolver(network: network, renderer: observations),
                           generator: generator, evaluator: PolicyEvaluator(network: network, renderer: observations),
                           maxSteps: maxSteps, selection: selection, endOnLoop: endsLoops, parallel: parallel, progress: progress)
            var episodes: [RolloutJobSummary.Episode] = []
            var totalFrames = 0, framesDrawn = 0, framesRedrawn = 0
            var shown: RolloutFrameContent?
            do {
                for page in pages {
                    try checkCancelled(cancellation)
                    let pageRollouts = try pipeline.waitForSeeds(page)
                    episodes += pageRollouts.flatMap { $0.map {
                        RolloutJobSummary.Episode(seed: $0.seed, variant: $0.variant, steps: $0.steps.count, ending: $0.ending)
                    } }
                    for rollout in pageRollouts.joined() { try trace?.append(RolloutTrace.lines(of: rollout)) }
                    let schedule = frameSchedule(pageRollouts, layout: frameLayout)
                    if totalFrames == 0, let rest = pipeline.remainingRollouts(from: page[0] + page.count) {
                        totalFrames = framesDrawn + schedule.frameCount
                            + (rest.isEmpty ? 0 : frameSchedule(rest, layout: frameLayout).frameCount)
                    }
                    try schedule.forEachFrame { _, _, content in
                        try checkCancelled(cancellation)
                        let drawStart = clock.now
                        // A frame equal to the one on the canvas (the title and end holds) is not drawn again.
                        let unchanged = pipelined && content == shown
                        if !unchanged {
                            // Pipelined, only the panels that changed are painted again (same pixels).
                            if pipelined {
                                try renderer.draw(content, over: shown, on: canvas)
                            } else {
                                try renderer.draw(content, on: canvas)
                            }
                            shown = content
                            framesRedrawn += 1
                        }
                        drawing += clock.now - drawStart
                        try canvas.withUnsafePixels { pixels, _, _, stride in
                            try frameObserver?(UnsafeRawBufferPointer(pixels), stride)
                            if unchanged {
                                try sink.repeatLast()
                            } else {
                                try sink.append(UnsafeRawBufferPointer(pixels), bytesPerRow: stride)
                            }
                        }
                        framesDrawn += 1
                        progress?(JobProgress(done: framesDrawn, total: totalFrames, unit: "frames", phase: "video"))
                    }
                }
            } catch {
                pipeline.stopAndWait()
                throw error
            }
            let rolloutSeconds = pipeline.waitForAll()
            let frames = try sink.finish()
            try trace?.commit()

            var summary = RolloutJobSummary(
                path: path, width: frameLayout.width, height: frameLayout.height, fps: fps,
                codec: encoder.codec.rawValue, frames: frames, episodes: episodes,
                tracePath: tracePath, traceLines: trace?.lineCount ?? 0,
                patchSeconds: pipeline.patchSeconds, rolloutSeconds: rolloutSeconds,
                drawingSeconds: drawing.seconds, encodingSeconds: sink.encodingSeconds,
                totalSeconds: (clock.now - started).seconds)
            summary.framesRedrawn = framesRedrawn
            summary.framesBuffered = sink.peakBuffered
            summary.pipelined = pipelined
            summary.encoderInputFingerprint = sink.inputFingerprint
            return summary
        } catch {
            sink.cancel()
            trace?.discard()
            throw error
        }
    }

    /// Plays this job's rollouts exactly as `run` does (same workers, window, patches and order) and drops them,
    /// drawing and encoding nothing: the baseline of `RolloutBenchmark`.
    /// - Returns: the episodes played. - Throws: as `run` does for the rollouts.
    @discardableResult
    public func playRollouts(in context: JobContext) throws -> Int {
        let network = context.network, assets = context.renderer.assets
        guard !seeds.isEmpty, !variants.isEmpty else { throw JobError("nothing to render: no seeds or no variants") }
        guard maxSteps >= 1 else { throw JobError(.maxSteps, "\(maxSteps) must be at least 1") }
        let observations = ObservationRenderer(assets: assets)
        let groups = frameLayout.groupsPerFrame
        let pipeline = RolloutPipeline(seedCount: seeds.count, variantCount: variants.count,
                                       window: max(2 * groups, 4 * ProcessInfo.processInfo.activeProcessorCount))
        pipeline.start(seeds: seeds, resolve: variantResolver(network: network, renderer: observations),
                       generator: generator, evaluator: PolicyEvaluator(network: network, renderer: observations),
                       maxSteps: maxSteps, selection: selection, endOnLoop: endsLoops, parallel: parallel, progress: nil)
        var episodes = 0
        do {
            for first in stride(from: 0, to: seeds.count, by: groups) {
                episodes += try pipeline.waitForSeeds(Array(first..<min(seeds.count, first + groups))).joined().count
            }
        } catch {
            pipeline.stopAndWait()
            throw error
        }
        _ = pipeline.waitForAll()
        return episodes
    }

    /// Builds variant `v` for seed index `s` (its patches resolved for that seed), for the rollout workers.
    /// Errors name the variant and the seed.
    func variantResolver(network: ImpalaNetwork, renderer: ObservationRenderer)
        -> @Sendable (_ seedIndex: Int, _ variant: Int) throws -> RolloutVariant {
        let seeds = self.seeds, variants = self.variants, generator = self.generator
        return { s, v in
            let variant = variants[v], seed = seeds[s]
            do {
                return RolloutVariant(name: variant.name, edits: try resolveEdits(
                    specs: variant.patches, targetSeed: seed, network: network, renderer: renderer,
                    generator: generator))
            } catch let error as JobError {
                throw error.prefixed("variant '\(variant.name)' on seed \(seed)")
            } catch {
                throw JobError("variant '\(variant.name)' on seed \(seed): \(error)")
            }
        }
    }

    /// The frames of `rollouts` (consecutive seeds), one page per `layout.groupsPerFrame` seeds.
    func frameSchedule(_ rollouts: [[Rollout]], layout: RolloutFrameLayout) -> RolloutFrameSchedule {
        RolloutFrameSchedule(rollouts: rollouts, variantNames: variants.map(\.name), seedsPerPage: layout.groupsPerFrame,
                             titleFrames: max(1, fps), endFrames: max(1, fps), selection: selection)
    }
}

private func checkCancelled(_ cancellation: JobCancellation?) throws {
    if cancellation?.isCancelled == true { throw JobError("cancelled; no video written") }
}

fileprivate extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
