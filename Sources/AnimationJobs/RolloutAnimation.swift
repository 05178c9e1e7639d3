import ActivationPatching
import Foundation
import ImpalaPolicy
import JobSupport
import MazeRendering
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments
import VideoJobs

/// One episode of an animated rollout with what the network computed at every state: the states (each step's
/// state before its move, then the final state), the chosen channels' maps at each, and the vector fields.
struct InsideEpisode {
    let variant: String
    let rollout: Rollout
    /// `steps` states, then the final one.
    let states: [MazeState]
    /// `maps[i][k]`: channel `k` of the choice at `states[i]`, `height · width` values, row 0 at the top.
    let maps: [[[Float]]]
    /// The vector field at each state (the mouse moved over the maze as it is then: same walls, cheese and
    /// facing); states with the same cheese and facing share one.
    let fields: [VectorField]
}

/// Plays the episodes and draws them: per variant a row of the episode (procgen's human view), the vector field
/// at the current state (the mouse's cell dotted red) and heat maps of the chosen channels, each channel on one
/// colour scale for the whole video (±max|activation| of that channel over every state of every episode; the
/// range is computed from all the episodes before the first frame is drawn) with a colour bar.
struct RolloutAnimation {
    let job: AnimationJob
    let insides: AnimationJob.RolloutInsides
    let context: JobContext

    /// The site and channels: `insides.layer` (default `ChannelLayer.defaultLabel`) checked against the model,
    /// and `insides.channels` as `ChannelChoice` resolves it (nil: the model's own top cheese channels, ranked
    /// over `insides.rankingSeeds`). - Throws: `JobError` naming `layer` or `channels`.
    static func channels(_ insides: AnimationJob.RolloutInsides, context: JobContext) throws -> (ChannelLayer, ChannelChoice) {
        do {
            let layer = try ChannelLayer(insides.layer ?? ChannelLayer.defaultLabel, network: context.network)
            let choice = try ChannelChoice.resolve(insides.channels, layer: layer, evaluator: context.evaluator,
                                                   rankingSeeds: insides.rankingSeeds)
            guard choice.channels.count <= AnimationJob.RolloutInsides.maximumChannels else {
                throw JobError(.channels, "'\(insides.channels ?? "")' names \(choice.channels.count) channels; show at most \(AnimationJob.RolloutInsides.maximumChannels)")
            }
            return (layer, choice)
        } catch let error as ChannelChoiceError {
            // Its line begins with the option; keep the setting apart so each front end names it its own way.
            let text = error.description
            for (prefix, setting) in [("--layer ", JobSetting.layer), ("--channels ", JobSetting.channels)] where text.hasPrefix(prefix) {
                throw JobError(setting, String(text.dropFirst(prefix.count)))
            }
            throw JobError(text)
        }
    }

    func run(progress: JobProgress.Handler?, cancellation: JobCancellation?,
             frameObserver: ((UnsafeRawBufferPointer, Int) throws -> Void)?) throws -> AnimationSummary {
        let clock = ContinuousClock(), started = clock.now
        let (layer, choice) = try Self.channels(insides, context: context)
        let sprites = try MazeSprites(assets: context.renderer.assets)
        var variants = [("original", [PatchSpec]())]
        if !insides.patches.isEmpty { variants.append((insides.patches.map(\.description).joined(separator: ";"), insides.patches)) }
        var episodes: [[InsideEpisode]] = []
        for (index, seed) in job.seeds.enumerated() {
            try checkCancelled(cancellation)
            episodes.append(try variants.map { name, specs in
                try episode(seed: seed, variant: name, specs: specs, layer: layer, channels: choice.channels)
            })
            progress?(JobProgress(done: index + 1, total: job.seeds.count, unit: "seeds", phase: "rollouts"))
        }
        let scales = ChannelScales(episodes.joined(), channels: choice.channels)
        let numbersSeconds = (clock.now - started).seconds

        let side = Double(job.panelSide ?? 192)
        let renderer = FigureRenderer(sprites: sprites, mazeCache: MazeViewCache())
        let hold = job.fps
        let frameCount = episodes.reduce(0) { $0 + $1.map(\.states.count).max()! + hold }
        let layout = renderer.layout(of: figure(episodes[0], step: 0, seed: job.seeds[0], layer: layer, choice: choice,
                                                scales: scales, side: side))
        let video = try CanvasVideo(path: job.out, width: Int(layout.width), height: Int(layout.height), fps: job.fps,
                                    metadata: job.provenance(in: context), pipelined: job.pipelined)
        do {
            var drawing = Duration.zero, done = 0
            for (seed, group) in zip(job.seeds, episodes) {
                for step in 0..<group.map(\.states.count).max()! {
                    try checkCancelled(cancellation)
                    let drawStart = clock.now
                    video.canvas.paint(.white)
                    try renderer.draw(figure(group, step: step, seed: seed, layer: layer, choice: choice, scales: scales, side: side),
                                      layout: layout, on: video.canvas)
                    try video.canvas.checkStatus()
                    drawing += clock.now - drawStart
                    try video.appendFrame(observer: frameObserver)
                    done += 1
                    progress?(JobProgress(done: done, total: frameCount, unit: "frames", phase: "video"))
                }
                for _ in 0..<hold {
                    try video.repeatFrame()
                    done += 1
                }
            }
            let data = job.data.map { _ in json(episodes, layer: layer, choice: choice, scales: scales) }
            let notes = ["layer \(layer.label), channels \(choice.name) (\(choice.channels.map(String.init).joined(separator: ", ")))"]
                + episodes.joined().map { "\($0.variant), seed \($0.rollout.seed): \($0.rollout.steps.count) steps, \($0.rollout.ending.rawValue)" }
            return try job.finish(video, data: data, numbersSeconds: numbersSeconds, drawingSeconds: drawing.seconds,
                                  started: started, notes: notes)
        } catch {
            video.cancel()
            throw error
        }
    }

    /// Plays one variant on `seed` as `mazerender rollout` does (argmax, batch-1 forward passes, ending at the
    /// cheese, a loop, `maxSteps` or the timeout), then reads the channels at every state and the fields.
    func episode(seed: Int32, variant: String, specs: [PatchSpec], layer: ChannelLayer, channels: [Int]) throws -> InsideEpisode {
        let evaluator = context.evaluator
        let edits: [ActivationEdit]
        do {
            edits = try resolveEdits(specs: specs, targetSeed: seed, network: context.network, renderer: context.renderer,
                                     generator: job.generator)
        } catch {
            throw JobError(.patches, "'\(variant)' on seed \(seed): \(error)")
        }
        let rollout = try Rollouts.play(job.generator.generate(seed: seed), variant: RolloutVariant(name: variant, edits: edits),
                                        evaluator: evaluator, maxSteps: insides.maxSteps, selection: .argmax, endOnLoop: true)
        let states = rollout.steps.map(\.state) + [rollout.finalState]
        // Whole batches when every edit acts on each observation alone; else one state at a time, as played.
        let batch = edits.allSatisfy(\.batchIndependent) ? 64 : 1
        var maps: [[[Float]]] = []
        for start in stride(from: 0, to: states.count, by: batch) {
            let part = Array(states[start..<min(states.count, start + batch)])
            let output = try context.network.forward(evaluator.input(for: part), capturing: [layer.label], edits: edits)
            let values = output.activations[layer.label]!.scalars, cells = layer.cells
            for n in part.indices {
                maps.append(channels.map { c in
                    let offset = (n * layer.channels + c) * cells
                    return Array(values[offset..<(offset + cells)])
                })
            }
        }
        var cache: [String: VectorField] = [:]
        let fields = try states.map { state in
            let key = "\(state.facing.rawValue)|\(state.cheese != nil)"
            if let field = cache[key] { return field }
            let field = try VectorField(maze: state, evaluator: evaluator, edits: edits)
            cache[key] = field
            return field
        }
        return InsideEpisode(variant: variant, rollout: rollout, states: states, maps: maps, fields: fields)
    }

    /// The frame at `step` of one seed's episodes: a row per variant (an episode that ended shows its last state).
    func figure(_ group: [InsideEpisode], step: Int, seed: Int32, layer: ChannelLayer, choice: ChannelChoice,
                scales: ChannelScales, side: Double) -> Figure {
        var panels: [FigurePanel] = []
        for episode in group {
            let i = min(step, episode.states.count - 1), state = episode.states[i]
            let ended = i == episode.states.count - 1
            let status = ended ? "step \(i), \(episode.rollout.ending.rawValue)" : "step \(i)"
            panels.append(FigurePanel(maze: state, view: MazeViewOptions(showMouse: true),
                                      title: "\(episode.variant), seed \(seed), \(status)"))
            var field = FigurePanel(maze: state, title: "vector field")
            field.layers = [.netArrows(episode.fields[i], color: .white), .cellDots([state.mouseMaze], color: .red)]
            panels.append(field)
            for (k, channel) in choice.channels.enumerated() {
                let map = ChannelMap(values: episode.maps[i][k], height: layer.height, width: layer.width)
                var panel = FigurePanel(maze: state, view: MazeViewOptions(padding: .shown, showMouse: true),
                                        title: "channel \(channel)")
                panel.layers = [.channel(map, colorMap: HeatmapConvention.posts.colorMap, limit: scales.limits[k], opacity: 0.75)]
                panel.colorBar = ColorBarSpec(colorMap: HeatmapConvention.posts.colorMap, limit: scales.limits[k])
                panels.append(panel)
            }
        }
        let short = layer.label.hasPrefix("embedder.") ? String(layer.label.dropFirst("embedder.".count)) : layer.label
        return Figure(panels: panels, columns: 2 + choice.channels.count, panelSize: side,
                      title: job.title ?? "\(short), channels \(choice.name)")
    }

    /// The `data` JSON: `{"mode": "rollout", "layer", "channels", "scales": [{"channel", "min", "max", "scale"}],
    /// "steps": [{"seed", "variant", "step", "mouse": [x, y], "action" (procgen's 0...14, null at the final
    /// state), "channels": [{"channel", "min", "max", "scale"}]}]}`: per state, each channel's own range and
    /// the fixed scale (half-range) its heat map is drawn with, the same in every step.
    func json(_ episodes: [[InsideEpisode]], layer: ChannelLayer, choice: ChannelChoice, scales: ChannelScales) -> JSONValue {
        var steps: [JSONValue] = []
        for episode in episodes.joined() {
            for (i, state) in episode.states.enumerated() {
                let action: JSONValue = i < episode.rollout.steps.count ? .int(episode.rollout.steps[i].action.rawValue) : .null
                let channels: [JSONValue] = choice.channels.enumerated().map { k, channel in
                    let values = episode.maps[i][k]
                    return .object([("channel", .int(channel)), ("min", .float(values.min() ?? 0)),
                                    ("max", .float(values.max() ?? 0)), ("scale", .double(scales.limits[k]))])
                }
                steps.append(.object([("seed", .int(Int(episode.rollout.seed))), ("variant", .string(episode.variant)),
                                      ("step", .int(i)), ("mouse", .pair(state.mouseMaze.x, state.mouseMaze.y)),
                                      ("action", action), ("channels", .array(channels))]))
            }
        }
        let overall: [JSONValue] = choice.channels.enumerated().map { k, channel in
            .object([("channel", .int(channel)), ("min", .float(scales.minimums[k])), ("max", .float(scales.maximums[k])),
                     ("scale", .double(scales.limits[k]))])
        }
        return .object([("mode", "rollout"), ("layer", .string(layer.label)), ("channels", .string(choice.name)),
                        ("model", context.modelPath.map { .string($0) } ?? .null),
                        ("scales", .array(overall)), ("steps", .array(steps))])
    }
}

/// Each channel's range over every state of every episode, and the half-range of its one colour scale:
/// max |activation| (1 when the channel is zero everywhere).
struct ChannelScales {
    let minimums: [Float], maximums: [Float]
    let limits: [Double]

    init<S: Sequence>(_ episodes: S, channels: [Int]) where S.Element == InsideEpisode {
        var low = [Float](repeating: .infinity, count: channels.count)
        var high = [Float](repeating: -.infinity, count: channels.count)
        for episode in episodes {
            for state in episode.maps {
                for k in channels.indices {
                    low[k] = min(low[k], state[k].min() ?? 0)
                    high[k] = max(high[k], state[k].max() ?? 0)
                }
            }
        }
        minimums = low
        maximums = high
        limits = channels.indices.map { k in
            let largest = max(abs(low[k]), abs(high[k]))
            return largest > 0 && largest.isFinite ? Double(largest) : 1
        }
    }
}
