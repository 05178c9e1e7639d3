import Testing
import MazeSimulation

@Suite("Dynamics against procgen 0.10.7 trajectories")
struct DynamicsTests {
    @Test("every row of trajectories.json: position, facing, reward, episode boundaries, step counter")
    func trajectories() throws {
        let trajectories = try ReferenceData.trajectories()
        #expect(trajectories.filter { $0.steps != nil }.count == 4)
        for trajectory in trajectories {
            guard let steps = trajectory.steps else { continue }
            var environment = MazeEnvironment(schedule: .fixed(seed: trajectory.seed))
            for row in steps {
                let label = "\(trajectory.tag) seed \(trajectory.seed) t=\(row.t)"
                if let actionIndex = row.action {
                    let action = try #require(MazeAction(rawValue: actionIndex))
                    let outcome = environment.step(action)
                    #expect(Double(outcome.reward) == row.reward, "\(label)")
                    #expect(outcome.first == row.first, "\(label)")
                }
                let state = environment.state
                #expect(Double(state.mouse.x) + 0.5 == row.agent_xy[0], "\(label)")
                #expect(Double(state.mouse.y) + 0.5 == row.agent_xy[1], "\(label)")
                #expect((state.facing == .right ? 1 : 0) == row.is_reflected, "\(label)")
                #expect(state.stepCount == row.cur_time, "\(label)")
                #expect(state.levelSeed == row.level_seed, "\(label)")
                if let present = row.cheese_present { #expect((state.cheese != nil) == (present == 1), "\(label)") }
            }
        }
    }

    @Test("timeout_noop: 502 no-ops on seed 0 reset at the 500th step, as the reference records")
    func referenceTimeout() throws {
        let reference = try #require(ReferenceData.trajectories().first { $0.tag == "timeout_noop" })
        let rows = try #require(reference.rows)
        var environment = MazeEnvironment(schedule: .fixed(seed: reference.seed))
        var t = 0
        for row in rows {
            var outcome = StepOutcome(reward: 0, done: false)
            while t < row.t {
                outcome = environment.step(.noop)
                t += 1
            }
            #expect(Double(outcome.reward) == row.reward && outcome.first == row.first, "t=\(row.t)")
            #expect(environment.state.stepCount == row.cur_time_after, "t=\(row.t)")
        }
    }

    @Test("the 500th step times out with reward 0 and resets")
    func timeout() {
        var environment = MazeEnvironment(schedule: .fixed(seed: 0))
        for step in 1..<500 {
            let outcome = environment.step(.noop)
            #expect(!outcome.done)
            #expect(environment.state.stepCount == step)
        }
        let last = environment.step(.specialQ)
        #expect(last.done && last.reward == 0)
        #expect(environment.state.stepCount == 0)
    }

    @Test("action mapping: diagonals move horizontally, 9...14 do nothing")
    func actionMapping() {
        let expected: [(Int, Int)] = [(-1, 0), (-1, 0), (-1, 0), (0, -1), (0, 0), (0, 1), (1, 0), (1, 0), (1, 0),
                                      (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)]
        for action in MazeAction.allCases {
            let d = action.displacement
            #expect(d.dx == expected[action.rawValue].0 && d.dy == expected[action.rawValue].1)
        }
    }

    @Test("a level range draws level seeds like procgen's VecGame and stays in range")
    func levelRange() {
        var environment = MazeEnvironment(schedule: .range(start: 100, count: 10, randSeed: 3))
        for _ in 0..<20 {
            #expect((100..<110).contains(environment.state.levelSeed!))
            environment.reset()
        }
    }
}
