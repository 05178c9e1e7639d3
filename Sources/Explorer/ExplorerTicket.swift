import Foundation

/// Drops work a newer request has made pointless. The page numbers its requests (`X-Explorer-Client`: one id per
/// page, `X-Explorer-Sequence`: increasing); when a request of the same kind from the same page arrives while an
/// older one still waits for the compute queue, the older one is answered 409 without running. The browser has
/// already aborted it, so this only keeps a fast slider from queueing work nobody will see.
public struct ExplorerTicket: Sendable {
    let key: String
    let sequence: Int
    let tracker: SupersessionTracker

    /// Whether no newer request of this kind from this page has arrived.
    var isCurrent: Bool { tracker.latest(key) <= sequence }
}

/// The newest sequence number seen per (page, kind); bounded (forgets everything past 4096 keys).
public final class SupersessionTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var newest: [String: Int] = [:]

    public init() {}

    /// Records a request and returns its ticket; nil when the request carries no client id or sequence.
    public func ticket(client: String?, sequence: String?, kind: String) -> ExplorerTicket? {
        guard let client, !client.isEmpty, client.count <= 64, let number = sequence.flatMap({ Int($0) }) else { return nil }
        let key = client + " " + kind
        lock.lock()
        defer { lock.unlock() }
        if newest.count > 4096 { newest.removeAll() }
        newest[key] = max(newest[key] ?? number, number)
        return ExplorerTicket(key: key, sequence: number, tracker: self)
    }

    func latest(_ key: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return newest[key] ?? Int.min
    }
}
