import Foundation
import TestSupport
import MazeSimulation

/// Reads the real procgen's outputs from `../shared/reference/procgen-0.10.7/` beside the package root.
enum ReferenceData {
    static let directory: URL = PackagePaths.referenceRoot.appendingPathComponent("procgen-0.10.7")

    struct Level: Decodable {
        let seed: Int32
        let maze_dim: Int
        let margin: Int
        let background_index: Int
        let mouse_maze: [Int]
        let cheese_maze: [Int]?
        let grid: [String]
        let mouse_rc: [Int]?
        let cheese_rc: [Int]?
    }

    static func levels(_ name: String) throws -> [Level] {
        let text = try String(contentsOf: PackagePaths.reference("procgen-0.10.7/" + name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Level.self, from: Data($0.utf8)) }
    }

    struct Trajectory: Decodable {
        let seed: Int32
        let tag: String
        let actions: [Int]?
        let steps: [Step]?
        /// Only in `timeout_noop`: selected rows of 502 no-op steps.
        let rows: [TimeoutRow]?
    }

    struct TimeoutRow: Decodable {
        let t: Int
        let reward: Double
        let first: Bool
        let cur_time_after: Int
    }

    struct Step: Decodable {
        let t: Int
        let action: Int?
        let reward: Double
        let first: Bool
        let agent_xy: [Double]
        let is_reflected: Int
        let cur_time: Int
        let level_seed: Int32
        let cheese_present: Int?
    }

    static func trajectories() throws -> [Trajectory] {
        let data = try Data(contentsOf: directory.appendingPathComponent("trajectories.json"))
        return try JSONDecoder().decode([Trajectory].self, from: data)
    }
}
