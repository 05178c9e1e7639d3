import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MazerenderCLI
import Testing

/// `mazerender serve`: option checks in-process, and the built program serving until SIGTERM / SIGINT.
@Suite("serve command", .serialized)
struct ServeCommandTests {
    typealias F = ExplorerFixtures

    @Test("bad --port and --host are usage errors naming the option", arguments: [
        (["serve", "--port", "70000"], "--port"), (["serve", "--port", "-1"], "--port"),
        (["serve", "--host", "example.org"], "--host"), (["serve", "--host", "300.1.1.1"], "--host"),
    ])
    func badOptions(arguments: [String], option: String) {
        do {
            _ = try Mazerender.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            let message = Mazerender.message(for: error)
            #expect(message.contains(option), "\(message)")
            #expect(Mazerender.exitCode(for: error).rawValue == 64)
        }
    }

    @Test("the program prints its URL, answers, and SIGTERM or SIGINT stop it with status 0", arguments: [SIGTERM, SIGINT])
    func stopsCleanly(signal number: Int32) async throws {
        let served = try await ServedProgram()
        defer { served.stopNow() }
        let (data, response) = try await URLSession.shared.data(from: URL(string: served.base + "/api/maze?seed=54")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("\"maze_dim\": 7"))
        let ending = await served.stop(signal: number)
        #expect(ending.exited && ending.status == 0, "\(ending.output)")
        #expect(ending.output.contains("mazerender explorer: stopped"), "\(ending.output)")
    }
}
