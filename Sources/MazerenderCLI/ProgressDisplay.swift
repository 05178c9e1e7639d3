import Foundation
import JobSupport

/// Progress of a long command on stderr, as `NAME: DONE/TOTAL UNIT`: one rewritten line on a terminal, a line per
/// tenth of the work otherwise (logs, Slurm output files). Notes (`JobProgress.note`) are printed as they are,
/// at most one every `noteInterval` seconds.
final class CountProgress: @unchecked Sendable {
    let name: String
    let unit: String
    private let terminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastDecile = -1
    private var lastPhase: String?
    private let noteInterval: TimeInterval
    private var lastNote = Date.distantPast

    init(name: String, unit: String, noteInterval: TimeInterval = 0) {
        self.name = name
        self.unit = unit
        self.noteInterval = noteInterval
    }

    /// The job's progress callback.
    var handler: JobProgress.Handler {
        { [self] progress in
            if let note = progress.note { self.note(note) } else { self.report(progress.done, progress.total, phase: progress.phase) }
        }
    }

    /// `done` of `total` units, within `phase` when the job has several (each phase counts from 0; on a
    /// terminal a new phase starts a new line).
    func report(_ done: Int, _ total: Int, phase: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        let label = phase.map { "\(name) \($0)" } ?? name
        if phase != lastPhase {
            if terminal && lastPhase != nil { FileHandle.standardError.write(Data("\n".utf8)) }
            lastPhase = phase
            lastDecile = -1
        }
        if terminal {
            FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) \(unit)".utf8))
        } else if total > 0, done * 10 / total != lastDecile {
            lastDecile = done * 10 / total
            FileHandle.standardError.write(Data("\(label): \(done)/\(total) \(unit)\n".utf8))
        }
    }

    private func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(lastNote) >= noteInterval else { return }
        lastNote = Date()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func finish() { if terminal { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// A rollout job's progress as a one-line bar on stderr, redrawn at most 10 times a second:
/// `[██████░░░░░░] seeds 21/21 · frames 340/1710 · video 14 s left`. The time left is for the phase under way
/// (rollouts, which overlap the first pages' drawing and encoding, then the remaining frames). `forTerminal()`
/// gives one only when stderr is a terminal, so logs and pipes stay quiet.
final class RolloutProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let width = 28
    private var seeds = (done: 0, total: 0), frames = (done: 0, total: 0)
    private var episodes = (done: 0, total: 0)
    private var phaseStart = Date(), lastDraw = Date.distantPast
    private var inFramePhase = false
    private let write: @Sendable (String) -> Void

    init(write: @escaping @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }) {
        self.write = write
    }

    static func forTerminal() -> RolloutProgressBar? { isatty(STDERR_FILENO) == 1 ? RolloutProgressBar() : nil }

    /// The job's progress callback.
    var handler: JobProgress.Handler {
        { [self] progress in
            self.update {
                switch progress.unit {
                case "seeds": seeds = (progress.done, progress.total)
                case "episodes": episodes = (progress.done, progress.total)
                case "frames":
                    // The bar follows the rollouts until they are all done and the frame total is known.
                    if !inFramePhase, progress.total > 0, episodes.done == episodes.total {
                        inFramePhase = true
                        phaseStart = Date()
                    }
                    frames = (progress.done, progress.total)
                default: break
                }
            }
        }
    }

    /// Draws the final state and ends the line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        write("\r" + line() + "\n")
    }

    private func update(_ change: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change()
        let now = Date()
        let complete = inFramePhase ? frames.done == frames.total : episodes.done == episodes.total
        guard complete || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        write("\r" + line() + "\u{1B}[K")
    }

    /// The bar's text (the caller holds the lock).
    private func line() -> String {
        let (done, total) = inFramePhase ? frames : episodes
        let fraction = total == 0 ? 0 : Double(done) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "[\(bar)] seeds \(seeds.done)/\(seeds.total) · frames \(frames.done)/\(frames.total == 0 ? "?" : String(frames.total))"
        let elapsed = Date().timeIntervalSince(phaseStart)
        if done > 0, done < total {
            let left = elapsed / Double(done) * Double(total - done)
            text += " · \(inFramePhase ? "video" : "rollouts") \(Self.duration(left)) left"
        }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }
}
