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
    static func temporaryDirectory() throws -> URL { try ScratchFolder("impala-tests").url }
}

import ImpalaPolicy
import ModelFiles
import Tensors

extension Fixtures {
    static var perObservation: [[String: Any]] { get throws { try reference()["per_obs"] as! [[String: Any]] } }

    /// The 8 reference observations as network input `[8, 3, 64, 64]`.
    static func input() throws -> Tensor {
        try PolicyInput.tensor(from: NumpyFile.read(contentsOf: observations))
    }

    static func network(_ file: URL = zip) throws -> ImpalaNetwork {
        try ImpalaNetwork(contentsOf: file)
    }

    /// Every activation block of `impala_s1_seed0_perturbed_acts.bin`: label → `[8, ...]`.
    static func recordedActivations() throws -> [String: Tensor] {
        let bin = try reference()["activation_bin"] as! [String: Any]
        let data = try Data(contentsOf: url(bin["file"] as! String))
        var result: [String: Tensor] = [:]
        for entry in bin["index"] as! [[String: Any]] {
            let shape = entry["shape"] as! [Int], offset = entry["offset"] as! Int, bytes = entry["nbytes"] as! Int
            var scalars = [Float](repeating: 0, count: bytes / 4)
            data.withUnsafeBytes { raw in
                for i in 0..<scalars.count {
                    scalars[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
                }
            }
            result[entry["label"] as! String] = Tensor(shape: shape, scalars: scalars)
        }
        return result
    }

    /// True when every element is within 1e-5 absolute or 1e-4 relative of the reference.
    static func close(_ ours: [Float], _ reference: [Double]) -> Bool {
        guard ours.count == reference.count else { return false }
        return Swift.zip(ours, reference).allSatisfy { a, b in
            let d = abs(Double(a) - b)
            return d <= 1e-5 || d <= 1e-4 * abs(b)
        }
    }

    /// Worst absolute error, for failure messages.
    static func worst(_ ours: [Float], _ reference: [Double]) -> Double {
        Swift.zip(ours, reference).map { abs(Double($0) - $1) }.max() ?? 0
    }

    static func row(_ tensor: Tensor, _ n: Int) -> [Float] {
        let width = tensor.count / tensor.shape[0]
        return Array(tensor.scalars[(n * width)..<((n + 1) * width)])
    }
}
