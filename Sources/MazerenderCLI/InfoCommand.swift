import ArgumentParser
import VideoJobs

/// `mazerender info FILE`: prints what a picture or video records about its making.
public struct InfoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print what made a picture or video: mazerender version, command line, model, seeds, patches.",
        discussion: """
            Reads the record every picture and video mazerender writes carries: PNG text chunks, SVG <metadata>, \
            PDF document information (Subject), MP4/WebM container metadata, a GIF comment. Prints one Key: value \
            line each for Title (when the figure has one), Software, Command, Model (file name and the first 12 hex \
            digits of its SHA-256), Seeds and Patches (those that apply). A file without a mazerender record, or \
            one that cannot be read, is an error (exit 1).
            """)

    @Argument(help: "A .png, .svg, .pdf, .gif, .mp4 or .webm file mazerender wrote.")
    public var file: String

    public init() {}

    /// The lines `run` prints. - Throws: `JobError` naming the file.
    public func report() throws -> String { try OutputInfo.report(path: file) }

    public func run() throws {
        print(try report())
    }
}
