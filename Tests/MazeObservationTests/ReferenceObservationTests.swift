import Foundation
import MazeObservation
import MazeSimulation
import Testing

/// Byte-for-byte comparisons with observations recorded from the real procgen 0.10.7 wheel.
@Suite struct ReferenceObservationTests {
    @Test("first observation of seeds 0-199 equals procgen's", arguments: 0..<200)
    func firstObservation(seed: Int) throws {
        let renderer = try Fixtures.loadRenderer()
        let expected = try Fixtures.firstObservations.get()[seed]
        let state = LevelGenerator().generate(seed: Int32(seed))
        let actual = renderer.render(state)
        #expect(Fixtures.difference(actual, expected) == nil, "seed \(seed)")
    }

    struct Trajectory: Decodable, Sendable, CustomTestStringConvertible {
        struct Step: Decodable, Sendable {
            let t: Int
            let action: Int?
            let is_reflected: Int
            let first: Bool
        }
        let seed: Int32
        let tag: String
        let steps: [Step]?
        var testDescription: String { "\(tag) seed \(seed)" }
    }

    static let trajectories: [Trajectory] = {
        let url = Fixtures.referenceDirectory.appendingPathComponent("trajectories.json")
        guard let data = try? Data(contentsOf: url),
              let all = try? JSONDecoder().decode([Trajectory].self, from: data)
        else { return [] }
        return all.filter { $0.steps != nil }
    }()

    @Test("the reference trajectories are present")
    func trajectoriesPresent() {
        #expect(Self.trajectories.count == 4, "expected 4 trajectories with steps in trajectories.json")
    }

    @Test("every step of the reference trajectories renders as procgen did", arguments: trajectories)
    func trajectory(_ trajectory: Trajectory) throws {
        let renderer = try Fixtures.loadRenderer()
        let expected = try Fixtures.observations("traj_\(trajectory.tag)_seed\(trajectory.seed)_obs.npy")
        let steps = try #require(trajectory.steps)
        try #require(expected.count == steps.count, "one observation per step")
        var environment = MazeEnvironment(schedule: .fixed(seed: trajectory.seed))
        for step in steps {
            if let raw = step.action {
                let action = try #require(MazeAction(rawValue: raw))
                _ = environment.step(action)
            }
            #expect(environment.state.facing == (step.is_reflected != 0 ? .right : .left), "t = \(step.t): facing")
            let actual = renderer.render(environment.state)
            #expect(Fixtures.difference(actual, expected[step.t]) == nil, "\(trajectory.testDescription), t = \(step.t)")
        }
    }
}
