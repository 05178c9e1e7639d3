import MazerenderCLI
import Testing

/// `benchmark vfield` options: bad values are refused while parsing, naming the option (exit 64).
@Suite struct BenchmarkVFieldOptionTests {
    @Test(arguments: [
        (["benchmark", "vfield", "--scale", "0"], "--scale"),
        (["benchmark", "vfield", "--scale", "1", "--scale", "9"], "--scale"),
        (["benchmark", "vfield", "--repeats", "0", "--no-torch"], "--repeats"),
        (["benchmark", "vfield", "--decision-seeds", "0", "--no-torch"], "--decision-seeds"),
        (["benchmark", "vfield", "--torch-script", "/nonexistent/bench_torch.py"], "--torch-script"),
    ])
    func badOptionsAreRefused(arguments: [String], option: String) {
        do {
            _ = try Mazerender.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(Mazerender.exitCode(for: error).rawValue == 64, "\(arguments)")
            #expect(Mazerender.message(for: error).contains(option), "\(arguments): \(Mazerender.message(for: error))")
        }
    }

    @Test func goodOptionsParse() throws {
        _ = try Mazerender.parseAsRoot(["benchmark", "vfield", "--scale", "1", "--scale", "4", "--repeats", "2",
                                        "--decision-seeds", "10", "--no-torch"])
    }
}
