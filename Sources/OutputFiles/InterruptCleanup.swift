import CInterruptCleanup
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes SIGINT, SIGTERM and SIGHUP remove every unfinished output file (`OutputFile`, `StagedOutput`) before
/// the process ends. The handler prints one line naming the abandoned outputs and re-raises the signal, so the
/// exit status is the usual 128 + signal (130 for Ctrl-C, 143 for SIGTERM). Programs call `install` once at
/// start; libraries never do (a host application keeps its own signal handling).
public enum InterruptCleanup {
    /// Installs the handlers (idempotent). `program` starts the message line.
    public static func install(program: String = "mazerender") {
        mr_interrupt_cleanup_install(program)
    }

    /// Unfinished output files registered now.
    public static var pendingCount: Int { Int(mr_interrupt_cleanup_count()) }

    /// Makes a signal remove the file at `path` (a record of an unfinished run, such as its manifest) after the
    /// unfinished outputs and before the folders made for them, without naming it. Returns a token for
    /// `forget(_:)`; a path the table cannot hold is simply not removed.
    public static func removeOnInterrupt(_ path: String) -> Int32 {
        mr_interrupt_cleanup_register_record(path)
    }

    /// Stops removing what `removeOnInterrupt` registered (-1 is ignored).
    public static func forget(_ token: Int32) {
        mr_interrupt_cleanup_unregister(token)
    }

    /// Creates the folder `path` (and missing parents) for an output made of several files. Until `keep()` is
    /// called on the result, a signal removes the folder if it is still empty, and so does `discard()`; a folder
    /// that existed before is never removed. - Throws: `OutputFileError` naming the folder.
    public static func makeOutputDirectory(_ path: String) throws(OutputFileError) -> OutputDirectory {
        try OutputDirectory(path: path)
    }
}

/// A folder made for an output; see `InterruptCleanup.makeOutputDirectory`.
public final class OutputDirectory: @unchecked Sendable {
    public let path: String
    private var created: [String] = []
    private var slots: [Int32] = []

    init(path: String) throws(OutputFileError) {
        self.path = path
        // Parents first, so a signal or `discard` removes the deepest folder first.
        var missing: [String] = []
        var current = path
        var info = stat()
        while !current.isEmpty, current != "/", current != ".", stat(current, &info) != 0 {
            missing.append(current)
            current = OutputFile.directory(of: current)
        }
        for folder in missing.reversed() {
            guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
                let code = errno
                discard()
                throw OutputFileError(path: folder, operation: "mkdir", code: code)
            }
            created.append(folder)
            slots.append(mr_interrupt_cleanup_register_directory(folder))
        }
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputFileError(path: path, operation: "mkdir", code: ENOTDIR)
        }
    }

    /// The output is complete: the folder stays.
    public func keep() {
        slots.forEach { mr_interrupt_cleanup_unregister($0) }
        slots = []
        created = []
    }

    /// Removes the folders this made, deepest first, where they are empty.
    public func discard() {
        for folder in created.reversed() { rmdir(folder) }
        keep()
    }
}
