import Foundation
import TestSupport

/// The PyTorch reference files in `../shared/reference/impala/` beside the package root.
enum Fixtures {
    static let packageRoot = PackagePaths.root
    static let directory = PackagePaths.referenceRoot.appendingPathComponent("impala")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static let zip = url("impala_s1_seed0_perturbed.pth")
    static let legacy = url("impala_s1_seed0_perturbed_legacy.pth")
    static let withOptimizer = url("impala_s1_seed0_perturbed_with_optim.pth")
    static let safetensors = url("impala_s1_seed0_perturbed.safetensors")
    static let observations = url("obs_u8_nhwc.npy")

    /// `ref_s1p.json` parsed (read once). - Throws: one line naming the file when it is missing or malformed.
    static func reference() throws -> [String: Any] { try referenceObject.get() }
    nonisolated(unsafe) private static let referenceObject = Result { try ReferenceData.object("impala/ref_s1p.json") }

    /// A scratch directory removed by the caller.
    static func temporaryDirectory() throws -> URL { try ScratchFolder("modelfiles-tests").url }
}
