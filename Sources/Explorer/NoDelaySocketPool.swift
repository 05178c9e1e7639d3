import FlyingSocks
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FlyingFox's socket pool with Nagle's algorithm turned off (`TCP_NODELAY`) on every socket it waits on.
///
/// FlyingFox writes a response's headers and its body in two `write`s. With Nagle's algorithm on, the body
/// waits for the peer to acknowledge the headers, and a peer that delays its ACKs (Linux waits up to 40 ms on a
/// kept-alive connection) makes every request take about 44 ms. The listening socket is the first socket the
/// pool waits on, and sockets accepted from it inherit the option (Linux and the BSDs copy it); accepted sockets
/// are also set when they first wait, in case a platform does not copy it. One `setsockopt` per wait.
struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
    let base: Base

    func prepare() async throws { try await base.prepare() }

    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        // Not a TCP socket (a Unix-domain one) refuses the option; nothing to do then.
        try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}
