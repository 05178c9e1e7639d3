import OutputFiles

/// The one way a job makes the folder it writes (`out`): parents created as needed; until `keep()` a failure,
/// `discard()` or an interrupt removes the folders it made if they are still empty, so a failed run leaves no
/// empty output folder behind. A folder that existed before is never removed.
public struct OutputFolder: Sendable {
    public let path: String
    private let directory: OutputDirectory

    /// Creates `path` for `setting` (the output). - Throws: `JobError` about `setting` naming the folder.
    public init(_ path: String, setting: JobSetting = .out) throws(JobError) {
        do {
            directory = try InterruptCleanup.makeOutputDirectory(path)
        } catch {
            throw JobError(setting, "\(error)")
        }
        self.path = path
    }

    /// The run finished: the folder stays.
    public func keep() { directory.keep() }

    /// The run failed: removes the folders this made, where they are empty.
    public func discard() { directory.discard() }
}

/// Checks, before any work, that a single output file can be written.
public enum OutputCheck {
    /// - Throws: `JobError` about `setting` when `path`'s folder is missing or read-only, or `path` is a folder.
    public static func writable(_ path: String, setting: JobSetting) throws(JobError) {
        do {
            try OutputFile.checkWritable(path)
        } catch {
            throw JobError(setting, "\(path): \(error.description)")
        }
    }
}
