import ArgumentParser
import Attribution
import AttributionJobs
import JobSupport
import MazeSimulation

extension AttributeJob.Method: ExpressibleByArgument {}
extension AttributeJob.Baseline: ExpressibleByArgument {}
extension IntegrationMethod: ExpressibleByArgument {}

private func oneSeed(_ seed: SeedList) throws -> Int32 {
    guard seed.seeds.count == 1 else { throw ValidationError("--seed \(seed) names \(seed.seeds.count) seeds; give one") }
    return seed.seeds[0]
}

struct AttributeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Attribute one output of the policy to the observation's pixels or to an activation site.",
        discussion: """
            Targets: left, down, up, right, noop (the grouped action's probability), log:GROUP, logit:K (0...14), \
            value. Methods: gradient (saliency), gradient-x-input (times the activation at --layer), \
            integrated-gradients (captum's definition: straight path from the baseline; --integration gausslegendre \
            by default, or riemann_left, riemann_right, riemann_middle, riemann_trapezoid). Baselines: black, blur \
            (Gaussian, --blur-sigma pixels), no-cheese (the same maze without its cheese), mean (the mean observation \
            of levels 0..99). With --layer the path runs in activation space, from the baseline's activation.
            .npy: float32 attribution shaped like the input (3x64x64) or the site (CxHxW). .json: {seed, maze_dim, \
            model, target, method, layer, patches, shape, target_value, attribution_sum, max_abs, and for \
            integrated gradients baseline, steps, integration, baseline_value, completeness_error (sum of \
            attributions minus f(input) - f(baseline)); for a site channel_totals}. .png/.svg/.pdf: the pixel \
            attribution (summed over RGB) over the maze in bwr colours (positive red) with a colour bar; for a site, \
            channel totals ranked as bars and the four strongest channels' maps.
            """ + "\n" + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(help: "What to attribute: up, log:up, logit:K, value, ...")
    var target: String
    @Option(help: "gradient, gradient-x-input or integrated-gradients.")
    var method: AttributeJob.Method = .integratedGradients
    @Option(help: "Integrated gradients' baseline: black, blur, no-cheese or mean.")
    var baseline: AttributeJob.Baseline = .black
    @Option(help: "Integrated gradients' steps.")
    var steps = 50
    @Option(help: "Integration rule: gausslegendre, riemann_left, riemann_right, riemann_middle, riemann_trapezoid.")
    var integration: IntegrationMethod = .gaussLegendre
    @Option(help: "Blur baseline's standard deviation in observation pixels.")
    var blurSigma: Float = Baselines.defaultBlurSigma
    @Option(help: "Attribute to this activation site instead of the observation.")
    var layer: String?
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @OptionGroup var edit: EditOptions
    @Option(help: "Output file: .npy, .json, .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    var job: AttributeJob {
        get throws {
            AttributeJob(seed: try oneSeed(seed), generator: modelOptions.level.generator, target: target, method: method,
                         baseline: baseline, steps: steps, integration: integration, layer: layer, patches: patches,
                         edits: edit.edits, blurSigma: blurSigma, out: out)
        }
    }

    func validate() throws {
        guard blurSigma > 0 else { throw ValidationError("--blur-sigma \(blurSigma) must be positive") }
        do { _ = try job.validate() } catch let error as ValidationError { throw error } catch { throw usageError(error) }
    }

    func run() throws {
        let context = try modelOptions.modelOptions.context(modelOptions.assetOptions)
        print(try job.run(in: context).description)
    }
}

struct ValueMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value-map",
        abstract: "Draw the value head at every legal mouse position (with --patch: plain, patched, difference).",
        discussion: """
            .json: {"seed", "maze_dim", "model", "patches", "cells": [{"x", "y", "value"}, ...]} (with "patched" per \
            cell under a patch), one cell per legal mouse position (every open cell but the cheese's; maze cells, x \
            right, y up, the start at 0,0). .png/.svg/.pdf: each cell filled in bwr colours over +-max|value|.
            """ + "\n" + PatchSpecHelp.text)

    @Option(parsing: .unconditional, help: "Level seed.", transform: parseSeeds)
    var seed: SeedList
    @Option(name: .customLong("patch"), help: "Activation patch SPEC (repeatable; applied in order).")
    var patches: [String] = []
    @OptionGroup var edit: CheeseEditOptions
    @Option(help: "Output file: .json, .png, .svg or .pdf.")
    var out: String
    @OptionGroup var modelOptions: FigureModelOptions

    var job: ValueMapJob {
        get throws {
            ValueMapJob(seed: try oneSeed(seed), generator: modelOptions.level.generator, patches: patches,
                        edits: edit.edits, out: out)
        }
    }

    func validate() throws {
        do { _ = try job.validate() } catch let error as ValidationError { throw error } catch { throw usageError(error) }
    }

    func run() throws {
        let context = try modelOptions.modelOptions.context(modelOptions.assetOptions)
        print(try job.run(in: context).description)
    }
}
