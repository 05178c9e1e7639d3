import FlyingFox
import FlyingSocks
import Foundation

/// `mazerender serve`'s HTTP server: FlyingFox (async sockets, HTTP/1.1 keep-alive, one task per connection)
/// in front of `ExplorerAPI`. Bodies are read up to `ExplorerLimits.maxBodyBytes` (413 beyond, without reading
/// the rest); every response is JSON or one of the page's files, and nothing a request says names a file.
public actor ExplorerServer {
    public let api: ExplorerAPI
    private let server: HTTPServer
    private var runTask: Task<Void, any Error>?

    /// A server for `api` on `host` (an IPv4 or IPv6 address, `127.0.0.1` for this machine only) and `port`
    /// (0 picks a free one; `port()` tells which after `start`). - Throws: when `host` is not an address.
    public init(api: ExplorerAPI, host: String, port: UInt16) throws {
        self.api = api
        let address: any SocketAddress = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port)
                                                             : try sockaddr_in.inet(ip4: host, port: port)
        let handler = ExplorerHandler(api: api)
        let pool = NoDelaySocketPool(base: HTTPServer.defaultPool())
        server = HTTPServer(config: HTTPServer.Configuration(address: address, timeout: 60, pool: pool, logger: .disabled),
                            handler: handler)
    }

    /// Starts listening; returns once the socket accepts connections.
    /// - Throws: the bind error (address in use, no permission).
    public func start() async throws {
        let server = self.server
        let task = Task { try await server.run() }
        runTask = task
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            // run() ended (bind failed): report its error rather than the wait's.
            task.cancel()
            if case .failure(let failure) = await task.result { throw failure }
            throw error
        }
    }

    /// The port the server listens on (after `start`).
    public func port() async -> UInt16? {
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: port
        default: nil
        }
    }

    /// Stops accepting connections, lets requests in progress finish (up to `timeout` seconds) and returns.
    public func stop(timeout: TimeInterval = 2) async {
        await server.stop(timeout: timeout)
        runTask?.cancel()
        _ = await runTask?.result
        runTask = nil
    }
}

/// Adapts FlyingFox's requests to `ExplorerAPI.respond`, bounding the body first.
struct ExplorerHandler: HTTPHandler {
    let api: ExplorerAPI

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let limit = ExplorerLimits.maxBodyBytes
        var body = Data()
        if let declared = request.bodySequence.count, declared > limit {
            return Self.response(ExplorerResponse.error(Self.tooLarge(limit)), closing: true)
        }
        for try await chunk in request.bodySequence {
            body.append(chunk)
            if body.count > limit { return Self.response(ExplorerResponse.error(Self.tooLarge(limit)), closing: true) }
        }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        let ticket = api.tracker.ticket(client: request.headers[HTTPHeader("X-Explorer-Client")],
                                        sequence: request.headers[HTTPHeader("X-Explorer-Sequence")], kind: request.path)
        let answer = await api.respond(method: request.method.rawValue, path: request.path, query: query, body: body,
                                       ticket: ticket)
        return Self.response(answer, closing: false)
    }

    private static func tooLarge(_ limit: Int) -> ExplorerRequestError {
        ExplorerRequestError(status: 413, field: nil, "the body is larger than \(limit) bytes")
    }

    private static func response(_ answer: ExplorerResponse, closing: Bool) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: answer.contentType, HTTPHeader("Cache-Control"): "no-store"]
        if closing { headers[.connection] = "close" }
        return HTTPResponse(statusCode: HTTPStatusCode(answer.status, phrase: Self.phrase(answer.status)),
                            headers: headers, body: answer.body)
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        default: "Error"
        }
    }
}
