import Foundation
import MazeObservation
import MazeSimulation
import ModelFiles

/// `mazerender obs` and `mazerender play`: procgen-exact observations of seeds, edits and replayed episodes.
public enum ObservationJobs {
    /// The observations of `seeds` after `edits`, in order.
    public static func observations(
        seeds: [Int32], generator: LevelGenerator, edits: MazeEdits, renderer: ObservationRenderer
    ) throws(JobError) -> [Observation] {
        var result: [Observation] = []
        result.reserveCapacity(seeds.count)
        for seed in seeds {
            var maze = generator.generate(seed: seed)
            try edits.apply(to: &maze)
            result.append(renderer.render(maze))
        }
        return result
    }

    /// Writes observations as a uint8 `.npy` of shape `[N, 64, 64, 3]` (RGB, row 0 at the top).
    public static func writeNPY(_ observations: [Observation], to path: String) throws(JobError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(observations.count * Observation.byteCount)
        for observation in observations { bytes += observation.rgb }
        do {
            try NumpyFile.write(.uint8(shape: [observations.count, 64, 64, 3], values: bytes), to: URL(fileURLWithPath: path))
        } catch {
            throw JobError("\(error)")
        }
    }

    /// One row of `mazerender play`: the state after action `t` (t = 0 is the initial state).
    public struct PlayStep: Sendable {
        public let t: Int
        public let action: MazeAction?
        public let outcome: StepOutcome?
        public let state: MazeState

        /// JSON with the fields `t, action, reward, done, first, agent_xy, facing` plus `mouse_maze`,
        /// `cur_time`, `cheese_present`, `level_seed`. `agent_xy` is procgen's float world position.
        public var json: JSONValue {
            let maze = state.mouseMaze
            return .object([
                ("t", .int(t)),
                ("action", action.map { .int($0.rawValue) } ?? .null),
                ("reward", .double(Double(outcome?.reward ?? 0))),
                ("done", .bool(outcome?.done ?? false)),
                ("first", .bool(outcome?.first ?? true)),
                ("agent_xy", .numbers([Double(state.mouse.x) + 0.5, Double(state.mouse.y) + 0.5])),
                ("facing", .string(state.facing.rawValue)),
                ("mouse_maze", .pair(maze.x, maze.y)),
                ("cur_time", .int(state.stepCount)),
                ("cheese_present", .bool(state.cheese != nil)),
                ("level_seed", state.levelSeed.map { .int(Int($0)) } ?? .null),
            ])
        }
    }

    /// Replays `actions` on `seed` (procgen's `num_levels = 1` environment, auto-reset included).
    /// - Returns: `actions.count + 1` rows, the first being the initial state.
    public static func play(seed: Int32, generator: LevelGenerator, actions: [MazeAction]) -> [PlayStep] {
        var environment = MazeEnvironment(schedule: .fixed(seed: seed), generator: generator)
        var steps = [PlayStep(t: 0, action: nil, outcome: nil, state: environment.state)]
        for (index, action) in actions.enumerated() {
            let outcome = environment.step(action)
            steps.append(PlayStep(t: index + 1, action: action, outcome: outcome, state: environment.state))
        }
        return steps
    }

    /// Parses `7,7,5,3` into actions 0...14, naming the first bad entry.
    public static func parseActions(_ text: String) throws(JobError) -> [MazeAction] {
        var actions: [MazeAction] = []
        for (index, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard let value = Int(item.trimmingSpaces()), let action = MazeAction(rawValue: value) else {
                throw JobError("action \(index + 1) '\(item)' is not an action; use integers 0...14 (1 left, 3 down, 5 up, 7 right, 4 no-op)")
            }
            actions.append(action)
        }
        return actions
    }
}
