import ArgumentParser
import MazerenderCLI
import PolicyExperiments
import Testing

@Suite("stats command line")
struct StatsCommandTests {
    @Test("negative coefficients, shards and the scheduler environment parse")
    func parses() throws {
        let parsed = try Mazerender.parseAsRoot(["stats", "--seeds", "0..9", "--out", "r", "--coeffs", "-1,-2.5,1",
                                                 "--shard", "2/4"])
        let command = try #require(parsed as? StatsRunCommand)
        #expect(try command.coefficients == [-1, -2.5, 1])
        #expect(try command.resolvedShard(environment: [:]) == Shard(index: 2, count: 4))
        let plain = try #require(try Mazerender.parseAsRoot(["stats", "run", "--seeds", "0..9", "--out", "r"]) as? StatsRunCommand)
        #expect(try plain.resolvedShard(environment: [:]) == nil)
        #expect(try plain.resolvedShard(environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                                      "SLURM_ARRAY_TASK_COUNT": "8"]) == Shard(index: 3, count: 8))
    }

    @Test("bad values are usage errors naming the option", arguments: [
        ["--coeffs", "x"], ["--shard", "0/3"], ["--shard", "2"], ["--features", "nope"], ["--max-steps", "0"],
    ])
    func refuses(arguments: [String]) {
        #expect(throws: (any Error).self) {
            _ = try Mazerender.parseAsRoot(["stats", "--seeds", "0..9", "--out", "r"] + arguments)
        }
        do {
            _ = try Mazerender.parseAsRoot(["stats", "--seeds", "0..9", "--out", "r"] + arguments)
        } catch {
            #expect(Mazerender.exitCode(for: error) == .validationFailure)
            let message = Mazerender.message(for: error)
            #expect(message.contains(arguments[0]) || message.contains("shard \(arguments[1])"), "\(message)")
        }
    }
}
