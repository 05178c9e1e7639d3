import Explorer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The server over real sockets on a free port (`mazerender serve --port 0`, its own process): the page, bounded
/// bodies, recovery after bad requests, concurrent clients, and a clean stop.
@Suite("explorer server", .serialized)
struct ExplorerServerTests {
    typealias F = ExplorerFixtures

    static func request(_ url: String, method: String = "GET", body: Data? = nil) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, data, http.allHeaderFields)
    }

    @Test("page, API, 413 for a large body, 400s, then still serving; concurrent clients; stop frees the port")
    func serving() async throws {
        let served = try await ServedProgram()
        defer { served.stopNow() }
        let base = served.base
        do {
            let page = try await Self.request(base + "/")
            #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("<canvas id=\"maze\""))
            // A body over the limit is refused before it is read in full.
            let large = Data(repeating: UInt8(ascii: " "), count: ExplorerLimits.maxBodyBytes + 10)
            let refused = try await Self.request(base + "/api/maze", method: "POST", body: large)
            #expect(refused.status == 413)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("larger than"))
            // Malformed requests get 400s naming the field, and the server keeps serving.
            for body in ["{", #"{"seed": -5}"#, #"{"seed": 54, "walls": "all"}"#] {
                let bad = try await Self.request(base + "/api/maze", method: "POST", body: Data(body.utf8))
                #expect(bad.status == 400, "\(body)")
            }
            let good = try await Self.request(base + "/api/maze?seed=54")
            #expect(good.status == 200)
            // Eight clients at once get the same field.
            let body = Data(#"{"seed": 54, "patches": ["cheese:coeff=-1"], "diff": true}"#.utf8)
            let answers = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.request(base + "/api/vfield", method: "POST", body: body).body } }
                return try await group.reduce(into: [Data]()) { $0.append($1) }
            }
            #expect(answers.count == 8 && Set(answers).count == 1)
            #expect(try JSONSerialization.jsonObject(with: answers[0]) is [String: Any])
        }
        let ending = await served.stop()
        #expect(ending.exited && ending.status == 0, "\(ending.output)")
        await #expect(throws: (any Error).self) { _ = try await Self.request(base + "/api/maze?seed=54") }
    }

    @Test("a host that is not an address is refused; loopback is recognised")
    func hosts() {
        #expect(throws: (any Error).self) { _ = try ExplorerServer(api: try F.api.get(), host: "not-an-address", port: 0) }
        #expect(ExplorerService.isLoopback("127.0.0.1") && ExplorerService.isLoopback("::1"))
        #expect(!ExplorerService.isLoopback("0.0.0.0"))
    }
}
