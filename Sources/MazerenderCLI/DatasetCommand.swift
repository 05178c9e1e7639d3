import ArgumentParser
import RenderJobs

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Export imitation-learning data (observations and shortest-path actions) for training an agent.",
        discussion: """
            Writes observations.npy (uint8 [N,64,64,3]), actions.npy (uint8 [N]: 1 left, 3 down, 5 up, 7 right, the \
            first step of the shortest path to the cheese) and levels.npy (float32 [N], level seeds), positions.npy and fields.npy into --out. \
            Scripts/train-bundled-agent.sh shows the datasets the bundled agent was trained on.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList

    @OptionGroup var level: LevelOptions

    @Option(help: "Mouse positions sampled per level.")
    var cellsPerLevel = 16

    @Option(help: "Further mouse positions per level drawn from the shortest path from the start cell to the cheese.")
    var pathCellsPerLevel = 0

    @Option(help: "Seed of the position and facing draws.")
    var samplingSeed: UInt32 = 0

    @Option(help: "Output directory.")
    var out: String

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard cellsPerLevel >= 1 else { throw ValidationError("--cells-per-level \(cellsPerLevel) must be at least 1") }
        guard pathCellsPerLevel >= 0 else {
            throw ValidationError("--path-cells-per-level \(pathCellsPerLevel) must be 0 or more")
        }
    }

    func run() throws {
        let job = DatasetJob(seeds: seeds.seeds, generator: level.generator, cellsPerLevel: cellsPerLevel,
                             pathCellsPerLevel: pathCellsPerLevel, samplingSeed: samplingSeed)
        let summary = try job.write(to: out, renderer: try assetOptions.renderer())
        print("dataset: \(summary.samples) samples from \(summary.levels) levels (\(summary.skippedLevels) without cheese skipped); labels \(summary.labelCounts.sorted { $0.key < $1.key })")
    }
}
