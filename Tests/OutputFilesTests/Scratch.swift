import Foundation
import Glibc
import TestSupport
#if canImport(Glibc)
#endif

/// A fresh empty directory for one test, removed by `remove()`.
typealias Scratch = ScratchFolder

/// A tmpfs of `kilobytes` mounted on a fresh directory, for real "disk full" tests. `nil` where the machine
/// does not allow mounting (not root, or in a container without the capability).
final class SmallFileSystem {
    let path: String

    init?(kilobytes: Int) {
        guard geteuid() == 0 else { return nil }
        path = NSTemporaryDirectory() + "outputfiles-tmpfs-" + UUID().uuidString
        guard (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil,
              Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]) else {
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    func remove() {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
