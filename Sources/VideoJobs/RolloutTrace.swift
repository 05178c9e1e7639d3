import Foundation
import ImpalaPolicy
import JobSupport
import MazeSimulation
import OutputFiles
import PolicyAnalysis

/// `rollout --trace FILE.jsonl`: one JSON line per step of every episode, written page by page as the video is
/// drawn (seed order, then variant order, then step), never held whole in memory.
public enum RolloutTrace {
    /// The lines of one episode, one per step: `variant, seed, step` (0 for the first move), `position` `[x, y]`
    /// (maze cells, x right, y up) and `facing` of the mouse before the move, `action` (procgen's 0...14),
    /// `probs` `{left, down, up, right, noop}` (the policy's 5-way action groups for that state) and the move's
    /// `reward` (10 on the step that enters the cheese).
    public static func lines(of rollout: Rollout) -> [JSONValue] {
        rollout.steps.enumerated().map { index, step in
            let position = step.state.mouseMaze
            let groups = step.distribution.groups
            return .object([
                ("variant", .string(rollout.variant)),
                ("seed", .int(Int(rollout.seed))),
                ("step", .int(index)),
                ("position", .pair(position.x, position.y)),
                ("facing", .string(step.state.facing.rawValue)),
                ("action", .int(step.action.rawValue)),
                ("probs", .object(ActionGroup.allCases.enumerated().map { ($1.rawValue, .float(groups[$0])) })),
                ("reward", .float(step.reward)),
            ])
        }
    }
}

extension RolloutJob {
    /// Checks a `--trace` path before any work: a writable directory, and not the video's own name.
    /// - Throws: `JobError` saying which fails and what to do.
    public static func checkTrace(_ path: String, video: String) throws(JobError) {
        guard URL(fileURLWithPath: path).standardizedFileURL.path != URL(fileURLWithPath: video).standardizedFileURL.path else {
            throw JobError(.trace, "\(path) is the video's \(setting: .out); give the trace its own name (e.g. trace.jsonl)")
        }
        try OutputCheck.writable(path, setting: .trace)
    }
}
