import Foundation
import JobSupport
import MazeObservation
import MazeSimulation
import ModelFiles
import OutputFiles

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
            do { try edits.apply(to: &maze) } catch { throw JobError(error.description) }
            result.append(renderer.render(maze))
        }
        return result
    }

    /// Writes observations as a uint8 `.npy` of shape `[N, 64, 64, 3]` (RGB, row 0 at the top).
    public static func writeNPY(_ observations: [Observation], to path: String) throws(JobError) {
        try streamNPY(to: path) { writer in
            for observation in observations { try writer.append(observation.rgb) }
        }
    }

    /// Renders `seeds` after `edits` straight into a uint8 `.npy` of shape `[N, 64, 64, 3]`, one observation at a
    /// time, so memory does not grow with the number of seeds.
    public static func writeNPY(seeds: [Int32], generator: LevelGenerator, edits: MazeEdits,
                                renderer: ObservationRenderer, to path: String) throws(JobError) {
        try streamNPY(to: path) { writer in
            for seed in seeds {
                var maze = generator.generate(seed: seed)
                try edits.apply(to: &maze)
                try writer.append(renderer.render(maze).rgb)
            }
        }
    }

    /// Runs `body` on a `.npy` stream of observations at `path` and puts the file in place; on any error nothing
    /// is left under `path`.
    private static func streamNPY(to path: String, _ body: (NumpyStreamWriter) throws -> Void) throws(JobError) {
        let writer: NumpyStreamWriter
        do {
            writer = try NumpyStreamWriter(path: path, elementType: .uint8, rowShape: [64, 64, 3])
        } catch {
            throw JobError("\(error)")
        }
        do {
            try body(writer)
            try writer.finish()
        } catch let error as JobError {
            writer.discard()
            throw error
        } catch {
            writer.discard()
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
                ("reward", .float(outcome?.reward ?? 0)),
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
            guard let value = Int(item.trimmingCharacters(in: CharacterSet(charactersIn: " "))), let action = MazeAction(rawValue: value) else {
                throw JobError("action \(index + 1) '\(item)' is not an action; use integers 0...14 (1 left, 3 down, 5 up, 7 right, 4 no-op)")
            }
            actions.append(action)
        }
        return actions
    }
}
