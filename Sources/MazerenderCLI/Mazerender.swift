import ArgumentParser

/// The `mazerender` command: parsing only; the work happens in `RenderJobs`.
public struct Mazerender: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mazerender",
        abstract: "procgen-exact maze simulator, observations and policy analysis for the goal-misgeneralization maze agents.",
        subcommands: [MazeCommand.self, ObsCommand.self, PlayCommand.self, DatasetCommand.self, BenchmarkCommand.self,
                      VectorFieldCommand.self, VectorFieldDiffCommand.self, HeatmapCommand.self, FigureCommand.self,
                      RolloutCommand.self, LogitsCommand.self, ActivationsCommand.self,
                      EvaluateCommand.self, StatsCommand.self, ChannelsCommand.self, ScrubCommand.self,
                      RetargetCommand.self, ProbeCommand.self, ServeCommand.self]
    )

    public init() {}
}
