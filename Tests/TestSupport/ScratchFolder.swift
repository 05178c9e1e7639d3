import Foundation

/// A fresh empty folder for one test under the system's temporary folder, removed by `remove()`.
public struct ScratchFolder: Sendable {
    public let path: String

    /// - Parameter label: starts the folder's name, to tell whose leftovers are whose.
    public init(_ label: String = "mazerender-tests") throws {
        path = NSTemporaryDirectory() + "\(label)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Every entry, hidden ones (temporary files) included, sorted.
    public func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    /// A new sub-folder `name` holding a copy of each file under its new name (checkpoints for `--models`).
    /// - Returns: the sub-folder's path.
    public func folder(_ name: String, copying files: [(name: String, from: String)]) throws -> String {
        let folder = file(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for copy in files { try FileManager.default.copyItem(atPath: copy.from, toPath: folder + "/" + copy.name) }
        return folder
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
