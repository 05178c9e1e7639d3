import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import PolicyAnalysis
import Testing

/// The numbers the arrows are drawn from, checked against one forward pass per mouse position.
@Suite("Vector-field numbers")
struct VectorFieldNumberTests {
    @Test(arguments: [0, 54] as [Int32]) func batchedFieldEqualsOneForwardPassPerPosition(seed: Int32) throws {
        let network = try ImpalaNetwork(contentsOf: Fixtures.referenceModel)
        let evaluator = PolicyEvaluator(network: network, renderer: try Fixtures.renderer())
        let maze = Fixtures.generator.generate(seed: seed)
        let field = try VectorField(maze: maze, evaluator: evaluator)
        #expect(field.positions == maze.legalMousePositions)
        for (index, cell) in field.positions.enumerated() {
            var state = maze
            state.mouse = maze.world(cell)
            let single = try evaluator.evaluate([state])[0]
            for (a, b) in zip(field.distributions[index].groups, single.groups) {
                #expect(abs(a - b) < 1e-5, "seed \(seed), \(cell): batched \(a) vs single \(b)")
            }
            let arrow = field.netArrow(at: index)
            #expect(abs(arrow.dx - (single.groups[3] - single.groups[0])) < 1e-5)
            #expect(abs(arrow.dy - (single.groups[2] - single.groups[1])) < 1e-5)
        }
    }

    @Test func diffOfAFieldWithItselfIsZero() throws {
        let network = try ImpalaNetwork(contentsOf: Fixtures.referenceModel)
        let evaluator = PolicyEvaluator(network: network, renderer: try Fixtures.renderer())
        let field = try VectorField(maze: Fixtures.generator.generate(seed: 0), evaluator: evaluator)
        let diff = VectorFieldDiff(patched: field, original: field)
        #expect(diff.meanTotalVariation == 0 && diff.positions.count == field.positions.count)
    }
}
