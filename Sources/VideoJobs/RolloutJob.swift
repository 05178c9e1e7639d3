import ActivationPatching
import Foundation
import JobSupport
import MazeRendering
import MazeSimulation
import PolicyAnalysis

/// One policy variant of a rollout video as the command line names it: a caption and the patches applied (none
/// for the original policy). Patches are resolved per seed when the job runs (see `resolveEdits`).
public struct RolloutVariantSpec: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var patches: [PatchSpec]

    public init(name: String, patches: [PatchSpec]) {
        self.name = name
        self.patches = patches
    }

    /// The unpatched policy.
    public static let original = RolloutVariantSpec(name: "original", patches: [])

    /// The default pair: the original policy and the cheese vector (coefficient -1, computed per seed).
    public static let defaults = [original, try! RolloutVariantSpec(parsing: "cheese:coeff=-1")]

    /// `original`, a patch `SPEC`, several specs applied in order joined by `;` (`cheese:coeff=-1;ablate:channels=55`),
    /// or any of these prefixed by a caption, `NAME=SPEC` (`"cheese vector=cheese:coeff=-1"`; a name has no `:`).
    /// Without a name the caption is the text as written.
    /// - Throws: `JobError` naming the variant and what is wrong with it.
    public init(parsing text: String) throws(JobError) {
        var body = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        if let equals = body.firstIndex(of: "="), !body[..<equals].contains(":") {
            name = body[..<equals].trimmingCharacters(in: .whitespaces)
            body = body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if name!.isEmpty { throw JobError("variant '\(text)': the name before '=' is empty; write NAME=SPEC") }
        }
        guard !body.isEmpty else { throw JobError("variant '\(text)' is empty; write original or a SPEC such as cheese:coeff=-1") }
        if body == "original" {
            self.init(name: name ?? "original", patches: [])
            return
        }
        var patches: [PatchSpec] = []
        for part in body.split(separator: ";") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                patches.append(try PatchSpec(parsing: String(part)))
            } catch {
                throw JobError("variant '\(text)': \(error)")
            }
        }
        self.init(name: name ?? body, patches: patches)
    }

    public var description: String { name }

    /// The patch SPEC syntax, for `--help`.
    public static var patchSyntaxHelp: String { PatchSpec.syntaxHelp }
}

/// `mazerender rollout` as a value: plays each variant on each seed, then draws and encodes one video with the
/// variants side by side (see `run(in:progress:)`).
public struct RolloutJob: Job {
    /// How seeds follow each other.
    public enum Layout: String, Sendable, CaseIterable {
        /// One seed at a time, its variants side by side.
        case sequential
        /// Several seeds on screen at once (2 x 2 seed groups for up to 2 variants, else 1 x 2).
        case grid
    }

    public var seeds: [Int32]
    public var variants: [RolloutVariantSpec]
    public var generator: LevelGenerator
    /// Moves per episode at most (episodes also end at the cheese or procgen's 500-step timeout).
    public var maxSteps: Int
    public var selection: ActionSelection
    /// Argmax episodes end when they come back to a state they were in (`Rollout.Ending.loop`) instead of
    /// repeating the same moves until the step limit; sampled episodes are unaffected.
    public var endsLoops: Bool
    public var fps: Int
    /// Side of each maze panel in px (even).
    public var panelSide: Int
    public var layout: Layout
    public var padding: PaddingMode
    /// Episodes in parallel on all cores (results equal to a serial run either way).
    public var parallel: Bool
    /// Drawing and encoding overlapped: the encoder on a thread of its own, frames equal to the previous one not
    /// drawn again, only changed regions colour-converted. `false` is the serial reference (every frame drawn,
    /// converted whole and encoded before the next); the video bytes are the same either way.
    public var pipelined: Bool
    /// The video: `.mp4` (H.264, MPEG-4 when libx264 is missing), `.gif` or `.webm` (VP9).
    public var out: String
    /// When set, a JSON-lines file of every step (`RolloutTrace.lines`), written with the video.
    public var trace: String?

    public typealias Result = RolloutJobSummary

    public init(seeds: [Int32], variants: [RolloutVariantSpec] = RolloutVariantSpec.defaults,
                generator: LevelGenerator = LevelGenerator(), maxSteps: Int = 256, selection: ActionSelection = .argmax,
                endsLoops: Bool = true, fps: Int = 10, panelSide: Int? = nil, layout: Layout = .sequential, padding: PaddingMode = .cropped,
                parallel: Bool = true, pipelined: Bool = true, out: String, trace: String? = nil) {
        self.out = out
        self.trace = trace
        self.seeds = seeds
        self.variants = variants
        self.generator = generator
        self.maxSteps = maxSteps
        self.selection = selection
        self.endsLoops = endsLoops
        self.fps = fps
        self.panelSide = panelSide ?? Self.defaultPanelSide(layout)
        self.layout = layout
        self.padding = padding
        self.parallel = parallel
        self.pipelined = pipelined
    }

    /// 384 px panels one seed at a time; 256 px when several seeds share the screen.
    public static func defaultPanelSide(_ layout: Layout) -> Int { layout == .grid ? 256 : 384 }

    /// Video extensions the encoder writes.
    public static let videoExtensions = ["mp4", "gif", "webm"]

    /// Checks `path` before any work: a `.mp4`, `.gif` or `.webm` name in an existing, writable directory.
    /// - Throws: `JobError` saying which of these fails and what to do.
    public static func checkOutput(_ path: String) throws(JobError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        guard videoExtensions.contains(ext) else {
            throw JobError(.out, "\(path): unknown video extension '\(ext)'; use .mp4 (H.264), .gif or .webm (VP9)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw JobError(.out, "\(path): directory \(directory) does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw JobError(.out, "\(path): directory \(directory) is not writable; choose another \(setting: .out)")
        }
    }

    /// The frame geometry for this job.
    public var frameLayout: RolloutFrameLayout {
        switch layout {
        case .sequential:
            return RolloutFrameLayout(panelSide: panelSide, variants: variants.count)
        case .grid:
            let columns = variants.count <= 2 ? 2 : 1
            let seedsShown = min(max(1, seeds.count), 2 * columns)
            return RolloutFrameLayout(panelSide: panelSide, variants: variants.count,
                                      groupColumns: min(columns, seedsShown),
                                      groupRows: (seedsShown + columns - 1) / columns)
        }
    }
}

/// What a rollout job did: the video written, its episodes and where the time went.
public struct RolloutJobSummary: Sendable {
    public struct Episode: Sendable, Equatable {
        public var seed: Int32
        public var variant: String
        public var steps: Int
        public var ending: Rollout.Ending
    }

    public var path: String
    public var width: Int, height: Int
    public var fps: Int
    public var codec: String
    /// Frames appended to the encoder (equal to the frames in the file).
    public var frames: Int
    public var episodes: [Episode]
    /// The `--trace` file and its line count (one per step of every episode), when one was written.
    public var tracePath: String? = nil
    public var traceLines = 0
    /// Frames drawn (the rest repeat the frame before, unchanged: title and end holds); `frames` when not pipelined.
    public var framesRedrawn = 0
    /// Most drawn frames held for the encoder thread at once (its fixed buffers bound it); 0 when not pipelined.
    public var framesBuffered = 0
    /// Whether the job ran pipelined (`RolloutJob.pipelined`) or as the serial reference.
    public var pipelined = true
    /// `VideoEncoder.inputFingerprint` at the end: equal for two runs that handed the codec the same frames.
    public var encoderInputFingerprint: UInt64 = 0
    /// Wall-clock seconds of each phase: patch vectors, rollouts (forward passes), drawing, encoding; and the whole job.
    public var patchSeconds: Double, rolloutSeconds: Double, drawingSeconds: Double, encodingSeconds: Double
    public var totalSeconds: Double

    /// Frames encoded per second of encoding time.
    public var encodedFramesPerSecond: Double { Double(frames) / max(encodingSeconds, 1e-9) }

    /// A few lines for the terminal: the file, cheese counts per variant and the timing split.
    public var report: String {
        var lines = ["wrote \(path): \(width)x\(height), \(frames) frames at \(fps) fps (\(codec)), "
            + String(format: "%.1f s of video", Double(frames) / Double(fps))]
        var order: [String] = []
        for episode in episodes where !order.contains(episode.variant) { order.append(episode.variant) }
        for variant in order {
            let mine = episodes.filter { $0.variant == variant }
            let cheese = mine.filter { $0.ending == .cheese }.count, loops = mine.filter { $0.ending == .loop }.count
            lines.append("  \(variant): cheese in \(cheese)/\(mine.count) episodes"
                + (loops > 0 ? ", \(loops) stopped in a loop" : ""))
        }
        if let tracePath { lines.append("wrote \(tracePath): \(traceLines) steps") }
        lines.append(String(format: "time: patches %.2f s, rollouts %.2f s, drawing %.2f s, encoding %.2f s (%.0f frames/s), total %.2f s",
                            patchSeconds, rolloutSeconds, drawingSeconds, encodingSeconds, encodedFramesPerSecond, totalSeconds))
        return lines.joined(separator: "\n")
    }
}
