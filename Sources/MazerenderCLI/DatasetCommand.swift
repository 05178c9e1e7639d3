import ArgumentParser
import DataJobs
import Foundation
import JobSupport
import MazeSimulation
import OutputFiles
import PolicyAnalysis

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Export imitation-learning data (observations and shortest-path actions) for training an agent.",
        discussion: """
            Writes observations.npy (uint8 [N,64,64,3]), actions.npy (uint8 [N]: 1 left, 3 down, 5 up, 7 right, the \
            first step of the shortest path to the cheese) and levels.npy (float32 [N], level seeds), positions.npy and fields.npy into --out. \
            Scripts/train-bundled-agent.sh shows the datasets the bundled agent was trained on.

            --on-policy-model FILE adds DAgger samples: each level is played from its start with that agent's \
            argmax actions (at most --on-policy-steps steps), and up to --on-policy-states of the distinct states it \
            visits (mouse cell and facing; first those where its move left the shortest path) are labelled like the \
            others.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList

    @OptionGroup var level: LevelOptions

    @Option(help: "Mouse positions sampled per level.")
    var cellsPerLevel = 16

    @Option(help: "Further mouse positions per level drawn from the shortest path from the start cell to the cheese.")
    var pathCellsPerLevel = 0

    @Option(name: .customLong("random-seed"), help: "Seed of the position and facing draws (default: 0).")
    var randomSeed: UInt32?
    /// The former name of `--random-seed`, still read.
    @Option(help: .hidden)
    var samplingSeed: UInt32?

    @Option(help: ArgumentHelp("Also sample the states this agent visits when it plays each level (DAgger).",
                               valueName: "file"))
    var onPolicyModel: String?

    @Option(help: "Distinct visited states kept per level with --on-policy-model.")
    var onPolicyStates = 32

    @Option(help: "Step limit of the --on-policy-model episodes.")
    var onPolicySteps = 256

    @Option(help: ArgumentHelp("Only levels of these maze sizes (cells per side, 3...25), e.g. 19...25 (default: 3...25, every size).", valueName: "range"),
            transform: parseMazeSizes)
    var mazeSizes: ClosedRange<Int> = 3...25

    @Option(help: OutputFolderHelp.out)
    var out: String
    @Flag(help: OutputFolderHelp.overwrite)
    var overwrite = false

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard cellsPerLevel >= 1 else { throw ValidationError("--cells-per-level \(cellsPerLevel) must be at least 1") }
        guard pathCellsPerLevel >= 0 else {
            throw ValidationError("--path-cells-per-level \(pathCellsPerLevel) must be 0 or more")
        }
        guard onPolicyStates >= 1 else { throw ValidationError("--on-policy-states \(onPolicyStates) must be at least 1") }
        guard (1...MazeState.timeout).contains(onPolicySteps) else {
            throw ValidationError("--on-policy-steps \(onPolicySteps) must be 1...\(MazeState.timeout)")
        }
    }

    func run() throws {
        // Only on-policy sampling runs a policy; without it no checkpoint is loaded.
        let renderer = try assetOptions.renderer()
        let onPolicy = try onPolicyModel.map { file in
            OnPolicySampling(evaluator: PolicyEvaluator(network: try ModelLocator.loadNetwork(explicit: file), renderer: renderer),
                             statesPerLevel: onPolicyStates, maxSteps: onPolicySteps)
        }
        let job = DatasetJob(seeds: seeds.seeds, generator: level.generator, cellsPerLevel: cellsPerLevel,
                             pathCellsPerLevel: pathCellsPerLevel, samplingSeed: randomSeed ?? samplingSeed ?? 0, onPolicy: onPolicy,
                             mazeSizes: mazeSizes, out: out, existing: overwrite ? .overwrite : .refuse)
        let summary = try job.run(renderer: renderer, provenance: Provenance(command: Invocation.arguments, model: onPolicyModel))
        print("dataset: \(summary.samples) samples from \(summary.levels) levels (\(summary.skippedLevels) without cheese or outside --maze-sizes skipped); labels \(summary.labelCounts.sorted { $0.key < $1.key })")
    }
}

/// `--maze-sizes`: `19...25`, `19..25` (both inclusive) or one size `25`, within procgen's 3...25.
func parseMazeSizes(_ text: String) throws -> ClosedRange<Int> {
    let parts = text.components(separatedBy: text.contains("...") ? "..." : "..")
    let bounds = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
          low <= high, 3 <= low, high <= 25 else {
        throw ValidationError("--maze-sizes '\(text)' is not a range of maze sizes within 3...25 such as 19...25")
    }
    return low...high
}
