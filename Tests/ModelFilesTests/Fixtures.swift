import Foundation

/// The PyTorch reference files in `../shared/reference/impala/` beside the package root.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/impala")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static let zip = url("impala_s1_seed0_perturbed.pth")
    static let legacy = url("impala_s1_seed0_perturbed_legacy.pth")
    static let withOptimizer = url("impala_s1_seed0_perturbed_with_optim.pth")
    static let safetensors = url("impala_s1_seed0_perturbed.safetensors")
    static let observations = url("obs_u8_nhwc.npy")

    /// `ref_s1p.json` parsed.
    nonisolated(unsafe) static let reference: [String: Any] = {
        let data = try! Data(contentsOf: url("ref_s1p.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// A scratch directory removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modelfiles-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
