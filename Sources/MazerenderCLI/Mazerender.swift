import ArgumentParser
import JobSupport

/// The `mazerender` command: parsing only; the work happens in the job targets (`FigureJobs`, `VideoJobs`,
/// `DataJobs`, `ExperimentJobs`, `AttributionJobs`), whose errors name settings; this turns them into option names.
public struct Mazerender: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mazerender",
        abstract: "procgen-exact maze simulator, observations and policy analysis for the goal-misgeneralization maze agents.",
        subcommands: [MazeCommand.self, ObsCommand.self, PlayCommand.self, DatasetCommand.self, BenchmarkCommand.self,
                      VectorFieldCommand.self, VectorFieldDiffCommand.self, HeatmapCommand.self, FigureCommand.self,
                      AttributeCommand.self, ValueMapCommand.self,
                      RolloutCommand.self, LogitsCommand.self, ActivationsCommand.self,
                      EvaluateCommand.self, StatsCommand.self, ChannelsCommand.self, ScrubCommand.self,
                      RetargetCommand.self, ProbeCommand.self, ServeCommand.self]
    )

    public init() {}

    /// Parses and runs a command; a job's error is printed with this program's option names.
    public static func main(_ arguments: [String]? = nil) {
        do {
            try run(arguments: arguments)
        } catch {
            exit(withError: error)
        }
    }

    /// Parses `arguments` (nil: the process's) and runs the command in this process, as `main` does.
    /// - Throws: argument-parser's errors for usage mistakes; a job's failure as a one-line error in option names.
    public static func run(arguments: [String]?) throws {
        var command = try parseAsRoot(arguments)
        do {
            try command.run()
        } catch let error as JobError {
            throw CommandFailure(error)
        }
    }
}
