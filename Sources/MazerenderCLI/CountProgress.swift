import Foundation

/// Progress of a long command on stderr, as `NAME: DONE/TOTAL UNIT`: one rewritten line on a terminal, a line per
/// tenth of the work otherwise (logs, Slurm output files).
final class CountProgress {
    let name: String
    let unit: String
    private let terminal = isatty(STDERR_FILENO) != 0
    private var lastDecile = -1

    init(name: String, unit: String) {
        self.name = name
        self.unit = unit
    }

    func report(_ done: Int, _ total: Int) {
        if terminal {
            FileHandle.standardError.write(Data("\r\(name): \(done)/\(total) \(unit)".utf8))
        } else if total > 0, done * 10 / total != lastDecile {
            lastDecile = done * 10 / total
            FileHandle.standardError.write(Data("\(name): \(done)/\(total) \(unit)\n".utf8))
        }
    }

    func finish() { if terminal { FileHandle.standardError.write(Data("\n".utf8)) } }
}
