import Foundation
import ImpalaPolicy

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
        throw JobError("no policy checkpoint: pass --model FILE (a .pth or .safetensors IMPALA checkpoint); "
            + "there is no bundled default agent yet")
    }

    /// The bundled default agent, nil while none ships (another issue adds it under Assets/agent).
    public static func defaultModelURL() -> URL? { nil }

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
