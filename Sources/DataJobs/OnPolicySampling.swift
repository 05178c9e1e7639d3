import MazeObservation
import MazeSimulation
import PolicyAnalysis

/// DAgger's data: the states an agent itself reaches, labelled with the expert's (shortest-path) move. Each level
/// is played from its start with the agent's argmax actions (the way `evaluate` plays it), and the distinct
/// states of the episode (mouse cell and facing) become samples. Imitation on uniform cells alone leaves the
/// states that follow the agent's own mistakes rare in the data, and there one wrong argmax step becomes a loop.
public struct OnPolicySampling: Sendable {
    public var evaluator: PolicyEvaluator
    /// Distinct visited states kept per level at most: every state where the agent's move was not a shortest-path
    /// move first, then a uniform draw of the others.
    public var statesPerLevel: Int
    /// Step limit of each episode.
    public var maxSteps: Int

    public init(evaluator: PolicyEvaluator, statesPerLevel: Int, maxSteps: Int = 256) {
        self.evaluator = evaluator
        self.statesPerLevel = statesPerLevel
        self.maxSteps = maxSteps
    }

    /// One episode's distinct states in the order first visited, each with the move the agent made there.
    public struct Visit: Sendable {
        public let state: MazeState
        public let action: MazeAction
    }

    /// Plays every maze (all with cheese) in lock step and returns each episode's distinct visited states.
    func visitedStates(_ mazes: [MazeState]) throws -> [[Visit]] {
        try Rollouts.playLockstep(mazes, evaluator: evaluator, maxSteps: maxSteps).map { rollout in
            var seen = Set<[Int]>()
            var visits: [Visit] = []
            for step in rollout.steps {
                let key = [step.state.mouse.x, step.state.mouse.y, step.state.facing == .left ? 0 : 1]
                if seen.insert(key).inserted { visits.append(Visit(state: step.state, action: step.action)) }
            }
            return visits
        }
    }

    /// Up to `statesPerLevel` of `visits`: the states where the agent left every shortest path (its move did not
    /// bring it one step closer to the cheese) first, in visiting order, then a uniform draw of the rest.
    func pick(from visits: [Visit], distances: [MazePoint: Int], using random: inout MersenneTwister) -> [MazeState] {
        var wrong: [MazeState] = [], right: [MazeState] = []
        for visit in visits {
            let cell = visit.state.mouseMaze
            var after = visit.state
            _ = after.applyMove(visit.action)
            let closer = distances[after.mouseMaze].map { $0 == (distances[cell] ?? 0) - 1 } ?? false
            if closer { right.append(visit.state) } else { wrong.append(visit.state) }
        }
        let kept = Array(wrong.prefix(statesPerLevel))
        let room = statesPerLevel - kept.count
        guard room > 0 else { return kept }
        return kept + DatasetJob.draw(room, from: &right, using: &random)
    }
}
