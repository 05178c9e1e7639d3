import Foundation
import ImpalaPolicy
import MazeObservation

/// The one place that decides which policy checkpoint a command uses.
public enum ModelLocator {
    /// The checkpoint to load: `explicit` (`--model FILE`) when given, else the bundled default agent.
    /// - Throws: `JobError` when neither exists, saying how to give one.
    public static func modelURL(explicit: String?) throws -> URL {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                throw JobError("--model \(explicit): no readable file there; give a .pth or .safetensors checkpoint")
            }
            return URL(fileURLWithPath: explicit)
        }
        if let bundled = defaultModelURL() { return bundled }
        throw JobError("no policy checkpoint: pass --model FILE (a .pth or .safetensors IMPALA checkpoint), set "
            + "\(environmentVariable), or run from the mazerender package, whose \(bundledRelativePath) is the default")
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

    /// Loads the network `modelURL(explicit:)` names. - Throws: `JobError` naming the file and the problem.
    public static func loadNetwork(explicit: String?) throws -> ImpalaNetwork {
        let url = try modelURL(explicit: explicit)
        do {
            return try ImpalaNetwork(contentsOf: url)
        } catch {
            throw JobError("\(url.path): cannot load the policy: \(error)")
        }
    }
}
