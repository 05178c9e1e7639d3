import Foundation

/// Finds files that ship with mazerender (procgen's images, the bundled agent) from wherever the program runs:
/// the current directory and its ancestors first, then the ancestors of the running executable
/// (`.build/release/mazerender` lies inside the package).
public enum ProjectPaths {
    /// The outcome of a lookup: the first existing candidate, and every candidate tried before it.
    public struct Lookup: Hashable, Sendable {
        public let found: String?
        public let searched: [String]
    }

    /// Looks for `relativePath` (a file or a directory) below the current directory, its ancestors, and the
    /// ancestors of the executable's directory, in that order.
    public static func locate(
        _ relativePath: String,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = Bundle.main.executablePath
    ) -> Lookup {
        var searched: [String] = []
        var starts = [currentDirectory]
        if let executablePath {
            starts.append(((executablePath as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent)
        }
        for start in starts {
            var directory = (start as NSString).standardizingPath
            while true {
                let candidate = (directory as NSString).appendingPathComponent(relativePath)
                if FileManager.default.fileExists(atPath: candidate) {
                    return Lookup(found: candidate, searched: searched)
                }
                searched.append(candidate)
                let parent = (directory as NSString).deletingLastPathComponent
                if parent == directory || parent.isEmpty { break }
                directory = parent
            }
        }
        return Lookup(found: nil, searched: searched)
    }
}
