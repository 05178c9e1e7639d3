import ActivationPatching
import Foundation
import JobSupport
import MazeSimulation
import MazeObservation
import OutputFiles
import VideoJobs

/// `mazerender animate` as a value: one video whose frames vary one thing, in one of its modes, with the numbers
/// behind every frame optionally written beside it (`data`). Each mode is a settings value and a file of its own
/// (`SweepAnimation.swift`, `RolloutAnimation.swift`, `ModelsAnimation.swift`); a new mode adds a case to `Mode`
/// and such a file.
public struct AnimationJob: Job {
    /// What the frames vary.
    public enum Mode: Sendable, Equatable {
        /// One patch parameter from `from` to `to`: per frame, each seed's vector field under the patch with the
        /// parameter at that frame's value.
        case sweep(Sweep)
        /// The agent's episodes, step by step, with the vector field and channel heat maps beside each panel.
        case rollout(RolloutInsides)
        /// One frame per checkpoint, in `ModelList` order: its vector field on each seed, and a growing chart of
        /// its in-distribution success rate and decision-square P(toward cheese). The context's own model is not
        /// used (`run(renderer:command:...)` needs none).
        case models(ModelSeries)
    }

    /// The settings of a sweep.
    public struct Sweep: Sendable, Equatable {
        /// The swept key (`cheese:coeff`).
        public var parameter: PatchParameter
        /// The patch whose other keys the frames keep (nil: the kind's defaults); of `parameter.kind`.
        public var base: PatchSpec?
        /// The parameter's first and last value.
        public var from: Double, to: Double
        /// Frames from `from` to `to`, both included, evenly spaced: 2 ... `maximumFrames`.
        public var frames: Int
        /// Draw the patched field minus the unpatched one (lime) instead of the patched field.
        public var diff: Bool

        public init(parameter: PatchParameter, base: PatchSpec? = nil, from: Double, to: Double, frames: Int,
                    diff: Bool = false) {
            self.parameter = parameter
            self.base = base
            self.from = from
            self.to = to
            self.frames = frames
            self.diff = diff
        }

        /// The most frames a sweep may have (each is one vector field per seed).
        public static let maximumFrames = 1000
        /// The most seeds shown side by side.
        public static let maximumSeeds = 6

        /// The parameter's value at frame `index`: `from + index · (to − from) / (frames − 1)`.
        public func value(at index: Int) -> Double {
            frames < 2 ? from : from + Double(index) * (to - from) / Double(frames - 1)
        }

        /// The caption of frame `index`, e.g. `cheese coeff = -1.50`.
        public func caption(at index: Int) -> String {
            String(format: "%@ = %.2f", parameter.caption, value(at: index))
        }

        /// The spec at frame `index`. - Throws: `PatchError` when `base` is of another kind.
        public func spec(at index: Int) throws -> PatchSpec {
            try parameter.spec(Float(value(at: index)), base: base)
        }
    }

    /// The settings of a rollout with its insides.
    public struct RolloutInsides: Sendable, Equatable {
        /// The patched variant's patches, applied in order; empty shows the original policy alone.
        public var patches: [PatchSpec]
        /// The activation site of the heat maps; nil: `ChannelLayer.defaultLabel`.
        public var layer: String?
        /// A `--channels` value as `ChannelChoice` reads it; nil: the model's own top cheese channels.
        public var channels: String?
        /// Moves per episode at most.
        public var maxSteps: Int
        /// Levels the channel ranking uses when `channels` asks for the model's top channels.
        public var rankingSeeds: [Int32]

        public init(patches: [PatchSpec] = [], layer: String? = nil, channels: String? = nil, maxSteps: Int = 256,
                    rankingSeeds: [Int32] = Array(0..<500)) {
            self.patches = patches
            self.layer = layer
            self.channels = channels
            self.maxSteps = maxSteps
            self.rankingSeeds = rankingSeeds
        }

        /// The most seeds one video plays (one after the other).
        public static let maximumSeeds = 20
        /// The most channels shown beside each panel.
        public static let maximumChannels = 8
    }

    /// The settings of an animation over checkpoints.
    public struct ModelSeries: Sendable, Equatable {
        /// The checkpoints as given: files, or folders whose checkpoints come in `ModelList.ordered` order.
        /// Resolved and checked (`ModelList.resolve`) before any frame is drawn.
        public var checkpoints: [String]
        /// How many in-distribution levels each model plays for its success rate: `maze_aisc` with
        /// `randRegion`, seeds `firstLevel ..< firstLevel + levels` (the start of `evaluate`'s default set).
        public var levels: Int
        /// rand_region of the in-distribution levels (`evaluate --rand-region`).
        public var randRegion: Int
        /// Moves per episode at most (`evaluate --max-steps`).
        public var maxSteps: Int

        public init(checkpoints: [String], levels: Int = ModelSeries.defaultLevels, randRegion: Int = 5, maxSteps: Int = 256) {
            self.checkpoints = checkpoints
            self.levels = levels
            self.randRegion = randRegion
            self.maxSteps = maxSteps
        }

        /// The first in-distribution seed (`evaluate --in-distribution-seeds` starts at it too).
        public static let firstLevel: Int32 = 1_000_000
        /// Levels per model unless told: a Wilson interval about ±0.14 wide at a rate of 50 % (±0.08 at 90 %), at
        /// about half a minute per scale-1 model on this machine (measured: docs/videos.md).
        public static let defaultLevels = 50
        /// The most levels per model.
        public static let maximumLevels = 10_000

        /// The in-distribution seeds each model plays.
        public var levelSeeds: [Int32] { (0..<Int32(levels)).map { Self.firstLevel + $0 } }
    }

    public var mode: Mode
    public var seeds: [Int32]
    public var generator: LevelGenerator
    public var fps: Int
    /// Side of each maze panel in px; nil: 256 for a sweep, 192 for a rollout.
    public var panelSide: Int?
    /// Drawn above the panels and stored as the video's `Title`.
    public var title: String?
    /// The video: `.mp4`, `.gif` or `.webm`.
    public var out: String
    /// When set, the numbers behind every frame as JSON (see `SweepAnimation` and `RolloutAnimation`).
    public var data: String?
    /// Drawing overlapped with encoding (the encoder on its own thread); `false` encodes each frame before
    /// the next is drawn. The bytes written are the same.
    public var pipelined = true

    public typealias Result = AnimationSummary

    public init(mode: Mode, seeds: [Int32], generator: LevelGenerator = LevelGenerator(), fps: Int = 10,
                panelSide: Int? = nil, title: String? = nil, out: String, data: String? = nil) {
        self.mode = mode
        self.seeds = seeds
        self.generator = generator
        self.fps = fps
        self.panelSide = panelSide
        self.title = title
        self.out = out
        self.data = data
    }

    /// Checks every setting that needs no model: outputs, seeds, frames, range, fps, panel size, the base patch.
    /// Runs first in `run`, before any frame is drawn or file opened.
    /// - Throws: `JobError` naming the setting and what to do.
    public func validate() throws(JobError) {
        try RolloutJob.checkOutput(out)
        if let data {
            guard data.lowercased().hasSuffix(".json") else {
                throw JobError(.data, "\(data): the numbers are written as JSON; give a .json name")
            }
            guard URL(fileURLWithPath: data).standardizedFileURL.path != URL(fileURLWithPath: out).standardizedFileURL.path else {
                throw JobError(.data, "\(data) is the video's \(setting: .out); give the numbers their own name")
            }
            try OutputCheck.writable(data, setting: .data)
        }
        guard (1...60).contains(fps) else { throw JobError(.fps, "\(fps) is out of range; use 1...60") }
        if let panelSide, !(64...1024).contains(panelSide) {
            throw JobError("panel side \(panelSide) px is out of range; use 64...1024")
        }
        guard !seeds.isEmpty else { throw JobError(.seeds, "names no seed; give one or a few, e.g. 0 or 0,1") }
        if let negative = seeds.first(where: { $0 < 0 }) {
            throw JobError(.seeds, "\(negative) is negative; use 0 ... 2147483647")
        }
        switch mode {
        case let .sweep(sweep):
            guard seeds.count <= Sweep.maximumSeeds else {
                throw JobError(.seeds, "names \(seeds.count) seeds; a sweep shows at most \(Sweep.maximumSeeds) side by side")
            }
            guard sweep.from.isFinite, sweep.to.isFinite else {
                throw JobError(.from, "and \(setting: .to) must be finite numbers")
            }
            guard sweep.from != sweep.to else {
                throw JobError(.to, "\(sweep.to) equals \(setting: .from); give two different values to sweep between")
            }
            guard (2...Sweep.maximumFrames).contains(sweep.frames) else {
                throw JobError(.frames, "\(sweep.frames) is out of range; a sweep needs 2...\(Sweep.maximumFrames) frames")
            }
            if let base = sweep.base, base.kind != sweep.parameter.kind {
                throw JobError(.patches, "'\(base)' is a \(base.kind.rawValue) patch but \(setting: .sweep) is \(sweep.parameter); give a \(sweep.parameter.kind.rawValue) patch as the base, or none")
            }
        case let .models(series):
            guard seeds.count <= Sweep.maximumSeeds else {
                throw JobError(.seeds, "names \(seeds.count) seeds; an animation over models shows at most \(Sweep.maximumSeeds) side by side")
            }
            guard (1...ModelSeries.maximumLevels).contains(series.levels) else {
                throw JobError(.levels, "\(series.levels) is out of range; use 1...\(ModelSeries.maximumLevels) in-distribution levels per model")
            }
            guard (1...10_000).contains(series.maxSteps) else {
                throw JobError(.maxSteps, "\(series.maxSteps) is out of range; use 1...10000")
            }
            guard series.randRegion >= 0 else { throw JobError("rand_region \(series.randRegion) is negative") }
        case let .rollout(insides):
            guard seeds.count <= RolloutInsides.maximumSeeds else {
                throw JobError(.seeds, "names \(seeds.count) seeds; an animated rollout plays at most \(RolloutInsides.maximumSeeds)")
            }
            guard (1...10_000).contains(insides.maxSteps) else {
                throw JobError(.maxSteps, "\(insides.maxSteps) is out of range; use 1...10000")
            }
        }
    }

    /// Runs the mode. - Throws: `JobError` (settings, cancellation), patch, channel and network errors,
    /// `CairoError`, the encoder's errors, `OutputFileError`.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> AnimationSummary {
        try run(in: context, progress: progress, cancellation: nil, frameObserver: nil)
    }

    /// `run(in:progress:)` with a cancellation flag and a frame observer (tests compare frames with the video).
    public func run(in context: JobContext, progress: JobProgress.Handler?, cancellation: JobCancellation?,
                    frameObserver: ((UnsafeRawBufferPointer, _ bytesPerRow: Int) throws -> Void)?) throws -> AnimationSummary {
        try validate()
        switch mode {
        case let .sweep(sweep):
            return try SweepAnimation(job: self, sweep: sweep, context: context)
                .run(progress: progress, cancellation: cancellation, frameObserver: frameObserver)
        case let .rollout(insides):
            return try RolloutAnimation(job: self, insides: insides, context: context)
                .run(progress: progress, cancellation: cancellation, frameObserver: frameObserver)
        case .models:
            return try run(renderer: context.renderer, command: context.command, progress: progress,
                           cancellation: cancellation, frameObserver: frameObserver)
        }
    }

    /// Runs an animation over models (`Mode.models`), which needs no model of its own: the checkpoints are
    /// resolved and checked first (one line naming the file), then each is loaded in turn.
    /// - Throws: `JobError` about `models` (bad, missing or changed checkpoints, an empty folder) or another
    ///   setting, before any file is opened; the network's, drawing and encoder errors.
    public func run(renderer: ObservationRenderer, command: [String] = [], progress: JobProgress.Handler? = nil,
                    cancellation: JobCancellation? = nil,
                    frameObserver: ((UnsafeRawBufferPointer, _ bytesPerRow: Int) throws -> Void)? = nil) throws -> AnimationSummary {
        try validate()
        guard case let .models(series) = mode else {
            throw JobError(.models, "names no checkpoints for this animation; a sweep or rollout runs in a model's context")
        }
        let list = try ModelList.resolve(series.checkpoints)
        return try ModelsAnimation(job: self, series: series, list: list, renderer: renderer, command: command)
            .run(progress: progress, cancellation: cancellation, frameObserver: frameObserver)
    }

    /// What the video records (as every mazerender video): version, command line, model, the seeds and the
    /// patches (a sweep's as `KIND:KEY=FROM..TO` over its base spec), and the title.
    public func provenance(in context: JobContext) -> [(key: String, value: String)] {
        let patches: [String]
        switch mode {
        case let .sweep(sweep):
            let base = sweep.base.map { " over \($0)" } ?? ""
            patches = ["\(sweep.parameter)=\(sweep.from)..\(sweep.to) in \(sweep.frames) frames\(base)"]
        case let .rollout(insides):
            patches = insides.patches.isEmpty ? [] : [insides.patches.map(\.description).joined(separator: ";")]
        case .models:
            patches = []
        }
        var entries = context.provenance.describing(seeds: Provenance.seedText(seeds), patches: patches).entries
        if let title, !title.isEmpty {
            entries.insert((key: "Title", value: title.replacingOccurrences(of: "\n", with: " ")), at: 0)
        }
        return entries
    }
}

/// What an animation wrote and where the time went.
public struct AnimationSummary: Sendable {
    public var path: String
    public var width: Int, height: Int
    public var fps: Int
    public var codec: String
    /// Frames in the file.
    public var frames: Int
    /// The `data` file, when written.
    public var dataPath: String?
    /// Wall-clock seconds: the numbers (vector fields, rollouts, activations), drawing, encoding, the whole job.
    public var numbersSeconds: Double, drawingSeconds: Double, encodingSeconds: Double, totalSeconds: Double
    /// Lines about the content (a sweep's decision-square probabilities at its ends, episodes' endings).
    public var notes: [String] = []

    /// A few lines for the terminal.
    public var report: String {
        var lines = ["wrote \(path): \(width)x\(height), \(frames) frames at \(fps) fps (\(codec)), "
            + String(format: "%.1f s of video", Double(frames) / Double(fps))]
        lines += notes.map { "  " + $0 }
        if let dataPath { lines.append("wrote \(dataPath): the numbers behind every frame") }
        lines.append(String(format: "time: numbers %.2f s, drawing %.2f s, encoding %.2f s, total %.2f s",
                            numbersSeconds, drawingSeconds, encodingSeconds, totalSeconds))
        return lines.joined(separator: "\n")
    }
}

extension AnimationJob {
    /// Puts the outputs in place: the numbers first (`data`, written atomically), then the video (its temporary
    /// file renamed onto `out`); when the video fails, the numbers just written are removed, so neither file is
    /// left without the other. - Returns: the summary, timed from `started`.
    func finish(_ video: CanvasVideo, data: JSONValue?, numbersSeconds: Double, drawingSeconds: Double,
                started: ContinuousClock.Instant, notes: [String]) throws -> AnimationSummary {
        if let data, let path = self.data { try JSONFiles.write(data, to: path) }
        let frames: Int
        do {
            frames = try video.finish()
        } catch {
            if let path = self.data { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        var summary = AnimationSummary(
            path: out, width: video.width, height: video.height, fps: fps, codec: video.codec, frames: frames,
            dataPath: self.data, numbersSeconds: numbersSeconds, drawingSeconds: drawingSeconds,
            encodingSeconds: video.encodingSeconds, totalSeconds: (ContinuousClock().now - started).seconds)
        summary.notes = notes
        return summary
    }
}

func checkCancelled(_ cancellation: JobCancellation?) throws {
    if cancellation?.isCancelled == true { throw JobError("cancelled; no video written") }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
