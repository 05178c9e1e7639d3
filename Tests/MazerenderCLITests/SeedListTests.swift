import ArgumentParser
import MazeSimulation
import MazerenderCLI
import Testing

@Suite("Seed syntax and command-line parsing")
struct SeedListTests {
    @Test("every documented form", arguments: [
        ("7", [Int32(7)]),
        ("0..3", [0, 1, 2, 3]),
        ("0...3", [0, 1, 2, 3]),
        ("0..<3", [0, 1, 2]),
        ("0,2,54", [0, 2, 54]),
        ("0..2,10", [0, 1, 2, 10]),
        ("2147483647", [Int32.max]),
    ])
    func forms(text: String, expected: [Int32]) throws {
        #expect(try SeedList(text).seeds == expected)
    }

    @Test("bad seeds name the value", arguments: [
        ("-3", "-3"), ("2147483648", "2147483648"), ("5..2", "5..2"), ("abc", "abc"), ("1,,2", "1,,2"), ("3..<3", "3..<3"),
    ])
    func refusals(text: String, named: String) {
        #expect { try SeedList(text) } throws: { error in
            "\(error)".contains(named)
        }
    }

    @Test("usage errors exit with 64, before anything runs")
    func exitCodes() {
        for arguments in [["maze", "--seeds", "-3"], ["maze", "--seeds", "5..2"], ["maze", "--seeds", "x"],
                          ["maze", "--seeds", "0", "--rand-region", "3"], ["maze", "--seeds", "0", "--mode", "medium"]] {
            #expect(throws: (any Error).self) { try Mazerender.parseAsRoot(arguments) }
            do {
                _ = try Mazerender.parseAsRoot(arguments)
            } catch {
                #expect(Mazerender.exitCode(for: error).rawValue == 64, "\(arguments)")
                #expect(!Mazerender.message(for: error).isEmpty)
            }
        }
        #expect(throws: Never.self) { try Mazerender.parseAsRoot(["maze", "--seeds", "0..20", "--generator", "aisc", "--rand-region", "5"]) }
    }
}
