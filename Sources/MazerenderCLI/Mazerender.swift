import ArgumentParser
import Foundation
import JobSupport
import OutputFiles

/// The `mazerender` command: parsing only; the work happens in the job targets (`FigureJobs`, `VideoJobs`,
/// `AnimationJobs`, `DataJobs`, `ExperimentJobs`, `AttributionJobs`), whose errors name settings; this turns them into option names.
public struct Mazerender: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mazerender",
        abstract: "procgen-exact maze simulator, observations and policy analysis for the goal-misgeneralization maze agents.",
        version: MazerenderVersion.string,
        subcommands: [MazeCommand.self, ObsCommand.self, PlayCommand.self, DatasetCommand.self, BenchmarkCommand.self,
                      VectorFieldCommand.self, VectorFieldDiffCommand.self, HeatmapCommand.self, FigureCommand.self,
                      AttributeCommand.self, ValueMapCommand.self,
                      RolloutCommand.self, AnimateCommand.self, LogitsCommand.self, ActivationsCommand.self,
                      EvaluateCommand.self, StatsCommand.self, ChannelsCommand.self, ScrubCommand.self,
                      RetargetCommand.self, ProbeCommand.self, ServeCommand.self, InfoCommand.self]
    )

    public init() {}

    /// Parses and runs a command; a job's error is printed with this program's option names. A usage error
    /// (a bad option, value or combination) is one line, `Error: ... (see 'mazerender SUB --help')`, exit 64;
    /// any other failure is one line, exit 1.
    public static func main(_ arguments: [String]? = nil) {
        do {
            try run(arguments: arguments)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((usageLine(for: error) + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The one line printed for a usage error: argument-parser's message and where the help is.
    public static func usageLine(for error: any Error) -> String {
        let full = fullMessage(for: error)
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? ""
        var line = "Error: " + message
        if let hint = full.split(separator: "\n").first(where: { $0.contains("See '") }),
           let start = hint.range(of: "'"), let end = hint.range(of: "'", options: .backwards), start.lowerBound < end.lowerBound,
           hint[start.lowerBound...end.lowerBound] != "'mazerender --help'" {
            line += " (see \(hint[start.lowerBound...end.lowerBound]))"
        }
        return line
    }

    /// Parses `arguments` (nil: the process's) and runs the command in this process, as `main` does.
    /// - Throws: argument-parser's errors for usage mistakes; a job's failure as a one-line error in option names.
    public static func run(arguments: [String]?) throws {
        let recorded = ["mazerender"] + (arguments ?? Array(CommandLine.arguments.dropFirst()))
        var command = try parseAsRoot(arguments)
        do {
            try Invocation.$arguments.withValue(recorded) { try command.run() }
        } catch let error as JobError {
            // A failure about one of the user's settings is a usage error (exit 64); others exit 1.
            if error.setting != nil { throw ValidationError(error.cliText) }
            throw CommandFailure(error)
        }
    }
}

/// The command line being run, for the provenance every output records (see `Provenance`). Task-local (bound by
/// `Mazerender.run(arguments:)` around the command's `run()`, read on that thread), so commands run side by side in
/// one process (the tests) each record their own line.
enum Invocation {
    @TaskLocal static var arguments: [String] = []
}
