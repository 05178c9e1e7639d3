import Foundation

/// This build's version, as `mazerender --version` prints it and every output records it.
public enum MazerenderVersion {
    public static let string = "0.10.0"
}

/// What made an output: the program and its version, the command line, the model (file name and SHA-256), the
/// level seeds and the patches. Manifests (`run.json`), pictures (PNG text, SVG metadata, PDF info) and videos
/// (container metadata, GIF comment) carry it, so a figure can be traced back to its run.
public struct Provenance: Sendable, Equatable, Codable {
    public var version: String
    /// The command line as the user typed it, program name first (`mazerender vfield --seed 0 ...`).
    public var command: [String]
    /// The checkpoint's path, or nil for a network not read from a file.
    public var model: String?
    /// The checkpoint's SHA-256 (hex), when it was read from a file.
    public var modelSHA256: String?
    /// The level seeds the output shows, as the user wrote them (`0..9`), or nil.
    public var seeds: String?
    /// The patch specs applied, as written.
    public var patches: [String]

    public init(version: String = MazerenderVersion.string, command: [String] = [], model: String? = nil,
                modelSHA256: String? = nil, seeds: String? = nil, patches: [String] = []) {
        self.version = version
        self.command = command
        self.model = model
        self.modelSHA256 = modelSHA256
        self.seeds = seeds
        self.patches = patches
    }

    enum CodingKeys: String, CodingKey {
        case version = "mazerender", command, model, modelSHA256 = "model_sha256", seeds, patches
    }

    /// A copy describing an output of `seeds` with `patches`.
    public func describing(seeds: String?, patches: [String] = []) -> Provenance {
        var copy = self
        copy.seeds = seeds
        copy.patches = patches
        return copy
    }

    /// The command line as one shell-pasteable line (arguments with spaces or quotes are single-quoted).
    public var commandLine: String {
        command.map(Self.shellQuoted).joined(separator: " ")
    }

    /// The first 12 hex digits of the model's SHA-256, or nil.
    public var shortSHA256: String? { modelSHA256.map { String($0.prefix(12)) } }

    /// The model's file name (last path component), or nil.
    public var modelFileName: String? { model.map { ($0 as NSString).lastPathComponent } }

    /// Key-value pairs as pictures and videos store them, in a fixed order; absent fields are left out.
    public var entries: [(key: String, value: String)] {
        var out: [(String, String)] = [("Software", "mazerender \(version)")]
        if !command.isEmpty { out.append(("Command", commandLine)) }
        if let model = modelFileName {
            out.append(("Model", shortSHA256.map { "\(model) (sha256 \($0))" } ?? model))
        }
        if let seeds { out.append(("Seeds", seeds)) }
        if !patches.isEmpty { out.append(("Patches", patches.joined(separator: "; "))) }
        return out.map { (key: $0.0, value: $0.1) }
    }

    /// One line per entry, `Key: value`, as `mazerender info` prints it.
    public var summary: String { entries.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }

    static func shellQuoted(_ argument: String) -> String {
        let plain = argument.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        if plain && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
