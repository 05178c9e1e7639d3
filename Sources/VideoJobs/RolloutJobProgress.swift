import Foundation
import Glibc
import PolicyAnalysis
#if canImport(Glibc)
#endif

/// Receives a rollout job's progress. Called from worker threads during the rollouts.
public protocol RolloutProgressReporting: Sendable {
    /// All episodes of `seedsDone` of `seedCount` seeds are finished (`episodesDone` of `episodeCount`).
    func rolloutsAdvanced(seedsDone: Int, seedCount: Int, episodesDone: Int, episodeCount: Int)
    /// `encoded` of `total` frames are in the encoder.
    func framesAdvanced(encoded: Int, total: Int)
    /// The job ended (successfully or not).
    func finished()
}

/// A one-line progress bar on stderr, redrawn at most 10 times a second:
/// `[██████░░░░░░] seeds 21/21 · frames 340/1710 · 14 s left`. The time left is for the phase under way
/// (rollouts, which overlap the first pages' drawing and encoding, then the remaining frames). Use `RolloutProgressBar.forTerminal()` to get one only when stderr is a
/// terminal, so logs and pipes stay quiet.
public final class RolloutProgressBar: RolloutProgressReporting, @unchecked Sendable {
    private let lock = NSLock()
    private let width = 28
    private var seeds = (done: 0, total: 0), frames = (done: 0, total: 0)
    private var episodes = (done: 0, total: 0)
    private var phaseStart = Date(), lastDraw = Date.distantPast
    private var inFramePhase = false
    private let write: @Sendable (String) -> Void

    /// A bar writing through `write` (stderr by default).
    public init(write: @escaping @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }) {
        self.write = write
    }

    /// A bar when stderr is a terminal (`isatty`), else nil.
    public static func forTerminal() -> RolloutProgressBar? {
        isatty(STDERR_FILENO) == 1 ? RolloutProgressBar() : nil
    }

    public func rolloutsAdvanced(seedsDone: Int, seedCount: Int, episodesDone: Int, episodeCount: Int) {
        update { seeds = (seedsDone, seedCount); episodes = (episodesDone, episodeCount) }
    }

    public func framesAdvanced(encoded: Int, total: Int) {
        update {
            // The bar follows the rollouts until they are all done and the frame total is known.
            if !inFramePhase, total > 0, episodes.done == episodes.total { inFramePhase = true; phaseStart = Date() }
            frames = (encoded, total)
        }
    }

    public func finished() {
        lock.lock()
        defer { lock.unlock() }
        write("\r" + line(force: true) + "\n")
    }

    private func update(_ change: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change()
        let now = Date()
        let complete = inFramePhase ? frames.done == frames.total : episodes.done == episodes.total
        guard complete || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        write("\r" + line(force: false) + "\u{1B}[K")
    }

    /// The bar's text (the caller holds the lock).
    private func line(force: Bool) -> String {
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
