import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation

/// The inputs most suites share, loaded once: the scale-1 PyTorch reference checkpoint, the bundled agent and
/// procgen's images. Each is a `Result` so that a missing file fails the tests that need it, with one line,
/// instead of stopping the run.
public enum SharedFixtures {
    /// The scale-1 reference checkpoint in `../shared/reference/impala/`.
    public static var modelPath: String { PackagePaths.referenceModel }
    public static var assetDirectory: String { PackagePaths.assetDirectory }

    public static let network: Result<ImpalaNetwork, any Error> = Result {
        let url = try PackagePaths.reference("impala/impala_s1_seed0_perturbed.pth")
        return try ImpalaNetwork(contentsOf: url)
    }
    public static let bundledNetwork: Result<ImpalaNetwork, any Error> = Result {
        try ImpalaNetwork(contentsOf: URL(fileURLWithPath: PackagePaths.bundledModel))
    }
    public static let assets: Result<ObservationAssets, ObservationAssetError> = Result {
        () throws(ObservationAssetError) -> ObservationAssets in try ObservationAssets(directory: assetDirectory)
    }

    public static func renderer() throws -> ObservationRenderer { ObservationRenderer(assets: try assets.get()) }
}

extension SharedFixtures {
    /// The jobs' context over the reference checkpoint and procgen's assets.
    public static func context() throws -> JobContext {
        JobContext(network: try network.get(), renderer: try renderer(), modelPath: modelPath)
    }

    /// The jobs' context over the bundled agent.
    public static func bundledContext() throws -> JobContext {
        JobContext(network: try bundledNetwork.get(), renderer: try renderer(), modelPath: PackagePaths.bundledModel)
    }
}
