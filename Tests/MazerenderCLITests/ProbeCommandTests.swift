import ArgumentParser
import MazerenderCLI
import PolicyExperiments
import Testing

/// `mazerender probe`: option checks (the job itself: `ExperimentJobsTests/ProbeJobTests`).
@Suite("linear probes: options")
struct ProbeCommandTests {
    @Test("bad layers, targets, K, cells, channels and counts are usage errors of one line naming the option", arguments: [
        ["--layers", "embedder.block9.res1.resadd_out"], ["--targets", "cheese-z"], ["--targets", "cheese-x,cheese-x"],
        ["--k", "0"], ["--k", "1,x"], ["--square", "30,1"], ["--cheese-cell", "3"], ["--channels", "eight"],
        ["--splits", "0"], ["--samples", "5"], ["--C", "-1"], ["--alpha", "-2"],
    ])
    func refuses(arguments: [String]) {
        do {
            _ = try Mazerender.parseAsRoot(["probe", "--seeds", "0..99", "--out", "r"] + arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(Mazerender.exitCode(for: error) == .validationFailure)
            let message = Mazerender.message(for: error)
            #expect(!message.contains("\n"), "\(message)")
            #expect(message.contains(arguments[0]), "\(message)")
        }
    }

    @Test("defaults: the notebook's ten layers and five targets; --samples alone seeds from 0")
    func parsesDefaults() throws {
        #expect(throws: (any Error).self) { _ = try Mazerender.parseAsRoot(["probe", "--out", "r"]) }
        let parsed = try Mazerender.parseAsRoot(["probe", "--samples", "100", "--out", "r", "--k", "1,5",
                                                 "--layers", "embedder.block2.res1_out"])
        #expect(parsed is ProbeCommand)
        #expect(LinearProbeExperiment.defaultLayers.count == 10)
    }

}
