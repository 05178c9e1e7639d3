import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Requests on one kept-alive connection must not wait for the peer's delayed ACK: the server writes a
/// response's headers and body separately, which without `TCP_NODELAY` costs ~44 ms per request on Linux.
@Suite("explorer keep-alive latency", .serialized)
struct KeepAliveLatencyTests {
    /// Sends `count` GETs of `path` one after another on one TCP connection; returns each one's seconds.
    static func timings(port: UInt16, path: String, count: Int) throws -> [Double] {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED) }
        // The client's side as a browser's: Nagle on, delayed ACKs as the kernel does them.
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".utf8)
        var seconds: [Double] = []
        var pending: [UInt8] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else {
                throw POSIXError(.EIO)
            }
            try readResponse(descriptor, buffer: &pending)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return seconds
    }

    /// Reads one response (headers, then `Content-Length` bytes of body), keeping any bytes beyond it.
    static func readResponse(_ descriptor: Int32, buffer: inout [UInt8]) throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() throws {
            let got = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { throw POSIXError(.ECONNRESET) }
            buffer += chunk[0..<got]
        }
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = buffer.indices.dropLast(3).first { Array(buffer[$0..<($0 + 4)]) == separator }
            if headerEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).lowercased()
        let lengthLine = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
        let length = Int(lengthLine?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        let total = headerEnd! + 4 + length
        while buffer.count < total { try fill() }
        buffer.removeFirst(total)
    }

    @Test("a kept-alive connection's median request takes milliseconds, not a delayed ACK's 40")
    func keptAliveRequestsAreFast() async throws {
        let served = try await ServedProgram()
        defer { served.stopNow() }
        let port = try #require(UInt16(served.base.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        let seconds = try Self.timings(port: port, path: "/api/maze?seed=54", count: 41).dropFirst().sorted()
        let median = seconds[seconds.count / 2]
        #expect(median < 0.020, "median \(median * 1000) ms over \(seconds.count) kept-alive requests")
        _ = await served.stop()
    }
}
