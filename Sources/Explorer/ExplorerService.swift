#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Runs the explorer as a program does (`mazerender serve`): starts the server, reports its URL, serves until
/// SIGINT or SIGTERM, then stops accepting, lets requests in progress finish and returns.
public enum ExplorerService {
    /// Whether `host` keeps the server on this machine (`127.0.0.1`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Serves `api` until SIGINT/SIGTERM (blocking the calling thread). `report` gets each line to print: the
    /// URL once listening, a warning for a host other than loopback, and the stop line.
    /// - Throws: when the address cannot be bound.
    public static func serveUntilSignalled(api: ExplorerAPI, host: String, port: UInt16,
                                           report: @escaping @Sendable (String) -> Void) throws {
        let address = host == "localhost" ? "127.0.0.1" : host
        // The signals are taken from the default handlers and delivered to a dispatch source instead.
        let signals: [Int32] = [SIGINT, SIGTERM]
        for number in signals { signal(number, SIG_IGN) }
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = signals.map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        let server = try ExplorerServer(api: api, host: address, port: port)
        let outcome = BlockingResult<UInt16>()
        Task {
            do {
                try await server.start()
                outcome.set(.success(await server.port() ?? port))
            } catch {
                outcome.set(.failure(error))
            }
        }
        let bound = try outcome.wait()
        let shown = address.contains(":") ? "[\(address)]" : address
        if !isLoopback(host) {
            report("warning: --host \(host) makes the explorer reachable from other machines; it has no authentication")
        }
        report("mazerender explorer: http://\(shown):\(bound)/  (Ctrl-C stops it)")
        stopRequested.wait()
        let stopped = BlockingResult<Void>()
        Task {
            await server.stop(timeout: 2)
            stopped.set(.success(()))
        }
        try stopped.wait()
        report("mazerender explorer: stopped")
    }
}

/// A value handed from a task to a waiting thread.
final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    func set(_ value: Result<Value, any Error>) {
        result = value
        semaphore.signal()
    }

    func wait() throws -> Value {
        semaphore.wait()
        return try result!.get()
    }
}
