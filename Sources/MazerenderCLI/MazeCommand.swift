import ArgumentParser
import DataJobs
import MazeSimulation

struct MazeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maze",
        abstract: "Print procgen maze layouts for level seeds.",
        discussion: """
            jsonl prints one object per seed: seed, mode, variant, maze_dim, world_dim, margin, background_index, \
            mouse_maze, cheese_maze (null without cheese), decision_square, grid (top row first; # wall, . open, \
            M mouse, C cheese), metrics (procgen-tools' 16 maze metrics by name, as in stats' seeds.csv; null \
            where undefined). Maze coordinates are (x, y) with y up, as in procgen.
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp(SeedList.syntaxHelp, valueName: "seeds"), transform: parseSeeds)
    var seeds: SeedList

    @OptionGroup var level: LevelOptions

    @Option(help: "Output format: jsonl or text.")
    var format: MazeListing.Format = .jsonl

    func run() throws {
        let generator = level.generator
        for seed in seeds.seeds {
            let maze = generator.generate(seed: seed)
            switch format {
            case .jsonl: print(MazeListing.json(for: maze, variant: generator.variant).text)
            case .text: print(MazeListing.text(for: maze, variant: generator.variant) + "\n")
            }
        }
    }
}

extension MazeListing.Format: ExpressibleByArgument {}
