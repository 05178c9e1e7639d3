import ArgumentParser
import ExperimentJobs
import FigureJobs
import Foundation
import JobSupport
import MazeSimulation
import PolicyExperiments

/// Options every channel experiment shares: the layer and the channels.
struct ChannelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Convolutional activation site.", valueName: "label"))
    var layer = ChannelLayer.defaultLabel
    @Option(help: ArgumentHelp(
        "Channels: a list (8,55,77), cheese or effective (the published agent's sets), all, topK; default: the model's own top cheese channels (`mazerender channels`).",
        valueName: "channels"))
    var channels: String?

    func validate() throws {
        // Syntax only; ranges are checked against the model's layer when it is loaded.
        guard let channels else { return }
        do { try ChannelChoice.checkSyntax(channels) } catch { throw usageError(error) }
    }
}

struct ChannelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels",
        abstract: "Rank a layer's channels by how well their maps locate the cheese; write channels.csv and plots into --out.",
        discussion: """
            Per level (as generated, mouse on its start square): each channel's value on the map cell over the \
            cheese and on one random other cell (procgen-tools' convolutional probe). Scores per channel: \
            f_score (ANOVA F of the two groups, the ranking key), probe_accuracy (test accuracy of a one-channel \
            logistic regression, seeded 80/20 split), mean_difference (cheese cell minus random cell) and \
            correlation (with the cheese indicator over every cell). Writes channels.csv, ranking.png/.svg and \
            maps.png/.svg (each top channel's map over the first --map-seeds levels).
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @Option(help: ArgumentHelp("Convolutional activation site.", valueName: "label"))
    var layer = ChannelLayer.defaultLabel
    @Option(help: "How many top channels to print, mark in channels.csv and draw.")
    var top = 8
    @Option(help: "Levels whose maps are drawn for each top channel (0 draws none).")
    var mapSeeds = 4
    @Option(name: .customLong("random-seed"), help: "Seed of the random comparison cells and the probes' splits.")
    var seed: UInt64 = 0
    /// `--seed` is a level seed everywhere else; here it is refused with a pointer to `--random-seed`.
    @Option(name: .customLong("seed"), help: .hidden)
    var levelSeedMistake: String?
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @Option(help: ArgumentHelp(
        "Also rank the channels by mean attribution at the decision square (gradient × activation of TARGET, summed per channel, averaged over the levels with a decision square): toward-cheese (the step toward the cheese) or left, down, up, right, noop, log:GROUP, logit:K, value. Adds attribution_mean and attribution_rank to channels.csv, attribution.png/.svg and summary.md comparing the two rankings.",
        valueName: "target"))
    var attribution: String?
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions

    var job: ChannelsJob {
        var job = ChannelsJob(seeds: seeds.seeds, layer: layer, top: top, mapSeeds: mapSeeds, randomSeed: seed, out: out, existing: overwrite ? .overwrite : .refuse)
        job.attribution = attribution
        return job
    }

    func validate() throws {
        if levelSeedMistake != nil {
            throw ValidationError("--seed names one level in mazerender; the levels here are --seeds, and the seed of the random draws is --random-seed")
        }
        do { try job.validate() } catch { throw usageError(error) }
    }

    func run() throws {
        let context = try modelOptions.context(assetOptions)
        let started = Date()
        let ranking = try job.run(in: context)
        let seconds = Date().timeIntervalSince(started)
        print("rank  channel   f_score  probe_acc  mean_diff  correlation")
        for score in ranking.scores.prefix(top) {
            print(String(format: "%4d  %7d  %8.1f  %9.3f  %9.3f  %11.3f", score.rank, score.channel, score.fScore,
                         score.probeAccuracy, score.meanDifference, score.correlation))
        }
        print(String(format: "wrote %@/%@ (%d channels over %d levels) and plots in %.1f s", out, ChannelsJob.tableName,
                     ranking.scores.count, ranking.levelCount, seconds))
        if attribution != nil, let summary = try? String(contentsOfFile: out + "/" + ChannelsJob.summaryName, encoding: .utf8) {
            print(summary, terminator: "")
        }
    }
}

struct ScrubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Causal scrubbing of channel maps at the decision square (procgen-tools' cheese_scrubbing).",
        discussion: """
            For each seed with a decision square, the mouse is put on it; per sample, the chosen channels' maps \
            are replaced by maps of other levels with the cheese moved onto the same full-grid cell as the \
            target's cheese ("same") or onto another level's cheese cell ("different"), each channel from its \
            own source level; the control resamples as many random other channels. Measures the change of the \
            5-way grouped action probabilities (total variation) and whether the greedy action changed. Writes \
            scrub.csv, summary.csv, summary.md and scatter.png/.svg into --out.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList
    @OptionGroup var channelOptions: ChannelOptions
    @Option(help: "Resamples per seed (each draws new source levels, a new different cell and new control channels).")
    var samples = 1
    @Option(name: .customLong("random-seed"), help: "Seed of every random draw.")
    var seed: UInt64 = 0
    /// `--seed` is a level seed everywhere else; here it is refused with a pointer to `--random-seed`.
    @Option(name: .customLong("seed"), help: .hidden)
    var levelSeedMistake: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Levels the resampled maps come from (default: 1000000..<1020000).", valueName: "seeds"),
            transform: parseSeeds)
    var pool = try! SeedList("1000000..<1020000")
    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions

    var job: ScrubJob {
        ScrubJob(seeds: seeds.seeds, layer: channelOptions.layer, channels: channelOptions.channels,
                 samples: samples, randomSeed: seed, pool: pool.seeds, out: out, existing: overwrite ? .overwrite : .refuse)
    }

    func validate() throws {
        if levelSeedMistake != nil {
            throw ValidationError("--seed names one level in mazerender; the levels here are --seeds, and the seed of the random draws is --random-seed")
        }
        do { try job.validate() } catch { throw usageError(error) }
    }

    func run() throws {
        let job = self.job
        let started = Date()
        let progress = CountProgress(name: "scrub", unit: "seeds")
        let result = try job.run(in: try modelOptions.context(assetOptions), progress: progress.handler)
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        print(result.summary.markdown(channelsName: result.choice.name), terminator: "")
        print(String(format: "wrote %@/scrub.csv: %d trials over %d decision-square seeds (%d skipped) in %.1f s "
                     + "(pool index %.1f s; %.1f seeds/s, %.1f trials/s)", out, result.trials.count, result.scrubbedSeeds,
                     result.skippedSeeds, seconds, result.poolSeconds,
                     Double(result.scrubbedSeeds) / max(result.trialSeconds, 1e-9),
                     Double(result.trials.count) / max(result.trialSeconds, 1e-9)))
    }
}
