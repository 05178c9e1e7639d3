import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import TestSupport
import Testing

/// Value maps against PyTorch (`../shared/reference/attribution/MODEL_value_maps.json`: the value head with the
/// mouse on every legal cell of seeds 0..3), within 1e-5 absolute per cell.
@Suite struct ValueMapTests {
    @Test(arguments: ["impala_s1_seed0_perturbed", "agent-12719b00af08"])
    func valuesMatchPyTorch(model: String) throws {
        let path = model == "agent-12719b00af08" ? "stats/agent-12719b00af08.pth" : "impala/\(model).pth"
        let network = try ImpalaNetwork(contentsOf: try PackagePaths.reference(path))
        let evaluator = PolicyEvaluator(network: network, renderer: try SharedFixtures.renderer())
        let reference = try ReferenceData.object("attribution/\(model)_value_maps.json")
        #expect(reference.count == 4)
        for (key, cells) in reference {
            let seed = try #require(Int32(key))
            let map = try ValueMap(maze: LevelGenerator().generate(seed: seed), evaluator: evaluator)
            let cells = try #require(cells as? [[String: Any]])
            #expect(cells.count == map.positions.count, "seed \(seed): \(map.positions.count) positions")
            var worst: Float = 0
            for cell in cells {
                let point = MazePoint(x: cell["x"] as! Int, y: cell["y"] as! Int)
                let ours = try #require(map.value(at: point), "seed \(seed): \(point) is not a legal position")
                worst = max(worst, abs(ours - Float(cell["value"] as! Double)))
            }
            #expect(worst <= 1e-5, "\(model) seed \(seed): worst value error \(worst)")
        }
    }
}
