import ArgumentParser
import Dispatch
import Foundation
import JobSupport
import MazeSimulation
import PolicyAnalysis
import VideoJobs

extension RolloutJob.Layout: ExpressibleByArgument {}

public struct RolloutCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Play the policy on seeds, unpatched and patched, and write a side-by-side video (.mp4, .gif, .webm).",
        discussion: """
            Each seed is played once per variant (by default the original policy and the cheese vector with \
            coefficient -1, computed from that seed) until the cheese, --max-steps or procgen's 500-step timeout. \
            The video shows the variants side by side on the human view, each panel captioned (variant, seed, step), \
            with the 5 action probabilities under it and a marker when the cheese is reached; seeds follow each \
            other (--layout grid shows several at once). Episodes run in parallel; results equal a serial run.
            Example: mazerender rollout --seeds 0..20 --out video.mp4 --model agent.pth \
            --variants original cheese:coeff=-1 top-right:coeff=1

            --trace FILE.jsonl also writes one JSON line per step of every episode (seed order, then variant, \
            then step): variant, seed, step (from 0), position [x, y] (maze cells, x right, y up) and facing \
            before the move, action (procgen's 0..14), probs {left, down, up, right, noop} (5-way action groups), \
            reward.

            VARIANT is original, a patch SPEC, several SPECs applied in order joined by ';', or NAME=... to set \
            the caption ("cheese vector=cheese:coeff=-1").
            \(RolloutVariantSpec.patchSyntaxHelp)
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp + " Default: 0..20.", valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList = try! SeedList("0..20")

    @Option(help: "Output video: .mp4 (H.264, plays in browsers), .gif or .webm (VP9).")
    var out: String

    @Option(help: ArgumentHelp("Also write every step of every episode as JSON lines to this file.", valueName: "file.jsonl"))
    var trace: String?

    @Option(help: "Frames per second (1...60).")
    var fps = 10

    @Option(help: "Side of each maze panel in px, even (default 384; 256 with --layout grid).")
    var size: Int?

    @Option(help: "Moves per episode at most (episodes also end at the cheese or procgen's 500-step timeout).")
    var maxSteps = 256

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Policy variants to compare, side by side in this order (see VARIANT below).", valueName: "variant"))
    var variants: [String] = ["original", "cheese:coeff=-1"]

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, defaultAsFlag: 0, parsing: .next,
            help: ArgumentHelp("Sample actions from the policy's distribution (reproducibly, from SEED, default 0) instead of taking the most probable.",
                               valueName: "seed"))
    var sample: UInt32? = nil

    @Flag(help: "Play an argmax episode that comes back to an earlier state (same cell and facing) on to the step limit; by default it stops there, captioned as a loop, since it would only repeat those moves.")
    var playLoops = false

    @Option(help: "sequential (one seed at a time) or grid (several seeds on screen).")
    var layout: RolloutJob.Layout = .sequential

    @OptionGroup var level: LevelOptions
    @OptionGroup var assetOptions: AssetOptions

    public func validate() throws {
        do {
            try RolloutJob.checkOutput(out)
            if let trace { try RolloutJob.checkTrace(trace, video: out) }
        } catch {
            throw usageError(error)
        }
        guard (1...60).contains(fps) else { throw ValidationError("--fps \(fps) is out of range; use 1...60") }
        if let size {
            guard size >= 64, size <= 2048, size % 2 == 0 else {
                throw ValidationError("--size \(size) must be an even number of px in 64...2048 (video frames need even sizes)")
            }
        }
        guard (1...10_000).contains(maxSteps) else { throw ValidationError("--max-steps \(maxSteps) is out of range; use 1...10000") }
        guard !variants.isEmpty else { throw ValidationError("--variants needs at least one VARIANT, e.g. original") }
        _ = try parsedVariants()
    }

    func parsedVariants() throws -> [RolloutVariantSpec] {
        do {
            return try variants.map { try RolloutVariantSpec(parsing: $0) }
        } catch {
            throw ValidationError("--variants: \(error)")
        }
    }

    /// The job these options describe (public for in-process parsing tests).
    public var job: RolloutJob {
        get throws {
            RolloutJob(seeds: seeds.seeds, variants: try parsedVariants(), generator: level.generator,
                       maxSteps: maxSteps, selection: ActionSelection(sampleSeed: sample), endsLoops: !playLoops, fps: fps,
                       panelSide: size, layout: layout, out: out, trace: trace)
        }
    }

    public init() {}

    public func run() throws {
        let job = try self.job
        // Ctrl-C and SIGTERM are handled by `InterruptCleanup` (installed by the program), which removes the
        // unfinished video's temporary file.
        let bar = RolloutProgressBar.forTerminal()
        defer { bar?.finish() }
        let summary = try job.run(in: try modelOptions.context(assetOptions), progress: bar?.handler)
        print(summary.report)
    }
}
