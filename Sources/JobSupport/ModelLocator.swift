import Foundation
import ImpalaPolicy
import MazeObservation

/// The one place that decides which policy checkpoint a job uses.
public enum ModelLocator {
    /// The checkpoint to load: `explicit` (the `model` setting) when given, else `fallback` (the default agent).
    /// - Throws: `JobError` about `model` when neither exists, saying how to give one.
    public static func modelURL(explicit: String?, fallback: URL? = defaultModelURL()) throws(JobError) -> URL {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                throw JobError(.model, "\(explicit): no readable file there; give a .pth or .safetensors checkpoint")
            }
            return URL(fileURLWithPath: explicit)
        }
        if let fallback { return fallback }
        throw JobError("no policy checkpoint: pass \(setting: .model) FILE (a .pth or .safetensors IMPALA checkpoint), set \(environmentVariable), or run from the mazerender package, whose \(bundledRelativePath) is the default")
    }

    /// Where the bundled agent lives inside the package (see its MODEL_CARD.md beside it).
    public static let bundledRelativePath = "Assets/agent/maze-rr5-scale1.pth"
    /// Names another default checkpoint.
    public static let environmentVariable = "MAZERENDER_MODEL"

    /// The default agent: `$MAZERENDER_MODEL` if set, else the bundled agent found from the current directory or
    /// the executable (nil when neither exists).
    public static func defaultModelURL(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL? {
        if let configured = environment[environmentVariable], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        return ProjectPaths.locate(bundledRelativePath).found.map { URL(fileURLWithPath: $0) }
    }

    /// Loads the network `modelURL(explicit:)` names, without hashing the file (`load` gives the SHA-256 too).
    /// - Throws: `JobError` naming the file and the problem.
    public static func loadNetwork(explicit: String?) throws(JobError) -> ImpalaNetwork {
        let url = try modelURL(explicit: explicit)
        do {
            return try ImpalaNetwork(contentsOf: url)
        } catch {
            throw JobError("\(url.path): cannot load the policy: \(error)")
        }
    }

    /// Loads the checkpoint `modelURL(explicit:)` names, with the SHA-256 of the bytes it was read from.
    /// - Throws: `JobError` naming the file and the problem; never returns a digest of data it could not read.
    public static func load(explicit: String?) throws(JobError) -> LoadedModel {
        try load(contentsOf: try modelURL(explicit: explicit))
    }

    /// Loads the checkpoint at `url` (never running code from it: `ImpalaNetwork` reads tensors only), with the
    /// SHA-256 of the bytes it was read from.
    /// - Throws: `JobError` (about no setting) naming the file and the problem.
    public static func load(contentsOf url: URL) throws(JobError) -> LoadedModel {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw JobError("\(url.path): cannot read the policy checkpoint: \(error.localizedDescription)")
        }
        do {
            let network = try ImpalaNetwork(contentsOf: url)
            return LoadedModel(network: network, path: url.path, sha256: SHA256.hexDigest([UInt8](bytes)))
        } catch {
            throw JobError("\(url.path): cannot load the policy: \(error)")
        }
    }
}

/// A policy network and the checkpoint file it came from.
public struct LoadedModel: Sendable {
    public let network: ImpalaNetwork
    /// The checkpoint's path as given (or found).
    public let path: String
    /// SHA-256 of the checkpoint's bytes, lowercase hexadecimal.
    public let sha256: String

    public init(network: ImpalaNetwork, path: String, sha256: String) {
        self.network = network
        self.path = path
        self.sha256 = sha256
    }
}
