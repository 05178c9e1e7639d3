import ActivationPatching
import AnimationJobs
import ArgumentParser
import Foundation
import JobSupport
import MazeSimulation
import PolicyExperiments

/// `mazerender animate`: a video whose frames vary one thing. One mode per run: `--sweep KEY:PARAM`, `--rollout`
/// or `--models` (a further mode adds a flag here and a case to `AnimationJob.Mode`).
public struct AnimateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "animate",
        abstract: "Animate a patch parameter swept over a range, a rollout with the network's insides, or a series of checkpoints (.mp4, .gif, .webm).",
        discussion: """
            --sweep KIND:KEY varies one numeric key of a patch SPEC (cheese:coeff, top-right:coeff, retarget:value, \
            retarget:default, ablate:factor, random:std, random:coeff) from --from to --to in --frames evenly spaced \
            frames; the patch's other keys come from --patch SPEC (of the same kind), else the defaults. Each frame \
            shows every seed's vector field under the patch with that value (--diff: patched minus unpatched, in \
            lime), the value as a caption, and a chart of the decision square's P(toward cheese) and P(toward \
            top-right) against the value over the whole sweep, the current value marked.
            Example: mazerender animate --sweep cheese:coeff --from -3 --to 3 --frames 25 --seeds 0 --out sweep.mp4

            --rollout plays each seed as 'mazerender rollout' does (argmax; the original policy and, with --patch, \
            the patched one, a row each) and shows, per step, the episode, the vector field at the current state and \
            heat maps of --channels at --layer; each channel keeps one colour scale (±max|activation| over every \
            step of the video, computed before the first frame) with a colour bar.
            Example: mazerender animate --rollout --seeds 0 --patch cheese:coeff=-1 --out inside.mp4

            --models FILE... or --models FOLDER (checkpoints ordered as 'evaluate --models' orders them) shows one \
            checkpoint per frame, 2 frames per second unless --fps says otherwise: its vector field on every seed, \
            its file name and SHA-256 as the caption, and a chart growing frame by frame of its in-distribution \
            success (P(reached cheese) over --levels maze_aisc levels, rand_region 5, seeds 1000000 onward, at most \
            --max-steps moves: 'evaluate --in-distribution-seeds' on those seeds, with the 95 % Wilson interval) and \
            the decision square's P(toward cheese) averaged over the seeds; x is the number in the file names \
            (e.g. the training step) when each has one and they rise, else the model's place in the list. Every \
            checkpoint is checked before the first frame.
            Example: mazerender animate --models checkpoints/ --seeds 0,1 --out training.mp4

            --data FILE.json writes the numbers behind every frame (sweep: the value, and per seed the decision \
            square's probabilities and the field's cells; rollout: per step the mouse's cell, the action and each \
            channel's min, max and colour scale; models: per model the file, SHA-256, x, success with its interval \
            and n, and per seed the decision square's probabilities and the field's cells). The video records its making; 'mazerender info' reads it.
            \(PatchSpec.syntaxHelp)
            """
    )

    @Option(help: ArgumentHelp("Sweep this numeric key of a patch kind, e.g. cheese:coeff (see above).", valueName: "kind:key"))
    var sweep: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The swept key's first value (a number; with --sweep).", valueName: "number"))
    var from: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("The swept key's last value (a number; with --sweep).", valueName: "number"))
    var to: Double?

    @Option(help: ArgumentHelp("Frames of a sweep, --from and --to included, 2...\(AnimationJob.Sweep.maximumFrames).", valueName: "count"))
    var frames: Int?

    @Flag(help: "With --sweep: draw the patched field minus the unpatched one (lime) instead of the patched field.")
    var diff = false

    @Flag(help: "Animate the agent's episodes with the vector field and channel heat maps beside each panel.")
    var rollout = false

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp + " Side by side in a sweep (at most \(AnimationJob.Sweep.maximumSeeds)), one after the other in a rollout (at most \(AnimationJob.RolloutInsides.maximumSeeds)). Default: 0.", valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList = try! SeedList("0")

    @Option(name: .customLong("patch"), help: ArgumentHelp("Sweep: the base patch whose other keys the frames keep (one SPEC). Rollout: the patched variant (repeatable; applied in order). Default: none.", valueName: "spec"))
    var patches: [String] = []

    @Option(help: ArgumentHelp("Rollout: the activation site of the heat maps (default \(ChannelLayer.defaultLabel)).", valueName: "label"))
    var layer: String?

    @Option(help: ArgumentHelp("Rollout: channels to show, at most \(AnimationJob.RolloutInsides.maximumChannels): a list (8,55,77), cheese, effective or topK (default: the model's own top cheese channels at --layer, ranked over seeds 0..499).", valueName: "channels"))
    var channels: String?

    @Option(help: "Rollout, and --models' success levels: moves per episode at most (episodes also end at the cheese, in a loop or at procgen's 500-step timeout).")
    var maxSteps = 256

    @Option(help: ArgumentHelp("With --models: in-distribution levels each model plays for its success rate, 1...\(AnimationJob.ModelSeries.maximumLevels) (maze_aisc rand_region 5, seeds 1000000 onward, as evaluate). Default: \(AnimationJob.ModelSeries.defaultLevels).", valueName: "count"))
    var levels: Int?

    @Option(help: "Output video: .mp4 (H.264, plays in browsers), .gif or .webm (VP9).")
    var out: String

    @Option(help: ArgumentHelp("Also write the numbers behind every frame to this .json file.", valueName: "file.json"))
    var data: String?

    @Option(help: ArgumentHelp("Frames per second, 1...60. Default: 10; 2 with --models (one frame per model).", valueName: "fps"))
    var fps: Int?

    @Option(help: ArgumentHelp("Title above the panels, also stored in the video's metadata.", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("Side of each maze panel in px, 64...1024 (default 256 for a sweep, 192 for a rollout).", valueName: "px"))
    var size: Int?

    @OptionGroup var modelOptions: ModelChoiceOptions
    @OptionGroup var level: LevelOptions
    @OptionGroup var assetOptions: AssetOptions

    public init() {}

    public func validate() throws {
        if let size, !(64...1024).contains(size) {
            throw ValidationError("--size \(size) is out of range; give a panel side of 64...1024 px")
        }
        do { try job.validate() } catch let error as JobError { throw usageError(error) }
        if let channels { do { try ChannelChoice.checkSyntax(channels) } catch { throw ValidationError("\(error)") } }
    }

    /// The mode the options name. - Throws: `ValidationError` naming the option and what to give.
    func mode() throws -> AnimationJob.Mode {
        let modes = [sweep.map { _ in "--sweep" }, rollout ? "--rollout" : nil, modelOptions.isSingle ? nil : "--models"]
            .compactMap { $0 }
        if modes.count > 1 {
            throw ValidationError("\(modes.joined(separator: " and ")) are \(modes.count == 2 ? "two" : "three") modes; give one")
        }
        if levels != nil, modelOptions.isSingle {
            throw ValidationError("--levels goes with --models (the success rate of each checkpoint)")
        }
        if !modelOptions.isSingle {
            let others = [(from != nil, "--from"), (to != nil, "--to"), (frames != nil, "--frames"), (diff, "--diff"),
                          (!patches.isEmpty, "--patch"), (layer != nil, "--layer"), (channels != nil, "--channels")]
            if let other = others.first(where: \.0) {
                throw ValidationError("\(other.1) goes with --sweep or --rollout, not --models")
            }
            return .models(AnimationJob.ModelSeries(checkpoints: modelOptions.models,
                                                    levels: levels ?? AnimationJob.ModelSeries.defaultLevels,
                                                    maxSteps: maxSteps))
        }
        switch (sweep, rollout) {
        case (nil, false):
            throw ValidationError("say what to animate: --sweep KIND:KEY (e.g. --sweep cheese:coeff --from -3 --to 3 --frames 25), --rollout or --models FILE...|FOLDER")
        case (.some, true):
            throw ValidationError("--sweep and --rollout are two modes; give one")
        case let (.some(text), false):
            let parameter: PatchParameter
            do { parameter = try PatchParameter(parsing: text) } catch { throw ValidationError("--sweep: \(error)") }
            guard let from else { throw ValidationError("--sweep needs --from NUMBER, the first value of \(parameter)") }
            guard let to else { throw ValidationError("--sweep needs --to NUMBER, the last value of \(parameter)") }
            guard let frames else { throw ValidationError("--sweep needs --frames COUNT (2...\(AnimationJob.Sweep.maximumFrames)), e.g. --frames 25") }
            guard patches.count <= 1 else { throw ValidationError("--patch: a sweep takes one base SPEC, not \(patches.count)") }
            if layer != nil || channels != nil { throw ValidationError("--layer and --channels go with --rollout, not --sweep") }
            let base = try patches.first.map { (text: String) throws -> PatchSpec in
                do { return try PatchSpec(parsing: text) } catch { throw ValidationError("--patch: \(error)") }
            }
            return .sweep(AnimationJob.Sweep(parameter: parameter, base: base, from: from, to: to, frames: frames, diff: diff))
        case (nil, true):
            if from != nil || to != nil || frames != nil || diff {
                throw ValidationError("--from, --to, --frames and --diff go with --sweep, not --rollout")
            }
            let specs = try patches.map { (text: String) throws -> PatchSpec in
                do { return try PatchSpec(parsing: text) } catch { throw ValidationError("--patch: \(error)") }
            }
            return .rollout(AnimationJob.RolloutInsides(patches: specs, layer: layer, channels: channels, maxSteps: maxSteps))
        }
    }

    /// The job these options describe (for in-process parsing tests).
    public var job: AnimationJob {
        get throws {
            let mode = try mode()
            let defaultFPS: Int
            if case .models = mode { defaultFPS = 2 } else { defaultFPS = 10 }
            return AnimationJob(mode: mode, seeds: seeds.seeds, generator: level.generator, fps: fps ?? defaultFPS,
                                panelSide: size, title: title, out: out, data: data)
        }
    }

    public func run() throws {
        let job = try self.job
        let progress = CountProgress(name: "animate", unit: "")
        defer { progress.finish() }
        if case .models = job.mode {
            // No model of its own: each checkpoint of --models is checked, then loaded in turn.
            print(try job.run(renderer: try assetOptions.renderer(), command: Invocation.arguments, progress: progress.handler).report)
            return
        }
        print(try job.run(in: try modelOptions.context(assetOptions), progress: progress.handler).report)
    }
}
