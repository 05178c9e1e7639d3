#ifndef MAZERENDER_INTERRUPT_CLEANUP_H
#define MAZERENDER_INTERRUPT_CLEANUP_H

/// Unfinished output files that must vanish when the process is interrupted (SIGINT, SIGTERM, SIGHUP).
///
/// A file is registered while it is being written (its temporary path) and unregistered once it has been
/// renamed into place or removed. The signal handler unlinks every registered path, prints one line naming
/// the outputs it abandoned, restores the default action and re-raises the signal, so the exit status still
/// says which signal stopped the process. Only async-signal-safe calls run inside the handler.

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (idempotent) and unblocks them in the calling thread
/// (call it from the main thread before starting others). SIGINT and SIGHUP that the parent process set to
/// be ignored stay ignored. `program` prefixes the message.
void mr_interrupt_cleanup_install(const char *program);

/// Registers `temporary_path` (removed on a signal) with `display_name` (named in the message).
/// Returns a slot to pass to `mr_interrupt_cleanup_unregister`, or -1 when the table is full or a path is
/// too long (the file is then simply not cleaned up on a signal).
int mr_interrupt_cleanup_register(const char *temporary_path, const char *display_name);

/// Registers a folder made for an output: removed on a signal (after the files) if it is empty by then.
int mr_interrupt_cleanup_register_directory(const char *path);

/// Registers a finished file that describes an unfinished run (a run manifest): removed on a signal after the
/// output files and before the folders, and not named in the message.
int mr_interrupt_cleanup_register_record(const char *path);

/// Forgets a slot returned by `mr_interrupt_cleanup_register`; -1 is ignored.
void mr_interrupt_cleanup_unregister(int slot);

/// Number of paths registered now (for tests).
int mr_interrupt_cleanup_count(void);

#endif
