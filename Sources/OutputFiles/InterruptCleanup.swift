import CInterruptCleanup

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
}
