import Foundation

/// Where the package's own files and the shared reference data are, found from this file's path (the package
/// root is two folders up; `../shared/reference/` sits beside it and is never copied into the project).
public enum PackagePaths {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared/reference`, beside the package.
    public static let referenceRoot = root.deletingLastPathComponent().appendingPathComponent("shared/reference")
    /// procgen's images, as `Scripts/fetch-assets.sh` installs them.
    public static let assetDirectory = root.appendingPathComponent("Assets/procgen").path
    /// The bundled agent (scale 1).
    public static let bundledModel = root.appendingPathComponent("Assets/agent/maze-rr5-scale1.pth").path
    /// The scale-1 PyTorch reference checkpoint.
    public static var referenceModel: String { referenceRoot.appendingPathComponent("impala/impala_s1_seed0_perturbed.pth").path }
    /// `Templates/`, the figure layouts.
    public static let templateDirectory = root.appendingPathComponent("Templates")

    /// A file or folder under `../shared/reference/`. - Throws: `MissingReference` (one line saying what to do)
    /// when it is not there.
    public static func reference(_ relativePath: String) throws(MissingReference) -> URL {
        let url = referenceRoot.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingReference(path: url.path) }
        return url
    }
}

/// Reference data that is not where the tests read it.
public struct MissingReference: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "\(path) is missing: the tests read the reference data from ../shared/reference beside the package; "
            + "clone or copy shared/ next to it"
    }
}

/// Reading the reference files: JSON objects and JSON-lines, each failure one line naming the file.
public enum ReferenceData {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The JSON object in `relativePath` (under `../shared/reference/`).
    public static func object(_ relativePath: String) throws -> [String: Any] {
        let url = try PackagePaths.reference(relativePath)
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw Malformed(description: "\(url.path) does not hold a JSON object")
        }
        return object
    }

    /// One JSON object per non-empty line of `relativePath`.
    public static func lines(_ relativePath: String) throws -> [[String: Any]] {
        let url = try PackagePaths.reference(relativePath)
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated().map { index, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Malformed(description: "\(url.path):\(index + 1) is not a JSON object")
            }
            return object
        }
    }
}
