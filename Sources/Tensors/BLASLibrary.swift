import COpenBLAS
import Foundation

/// Which BLAS the kernels run on, as the library itself reports it. Speed (and the last bits of results for
/// different batch sizes) depends on the kernel OpenBLAS picked for this processor, which the environment can
/// override (`OPENBLAS_CORETYPE`); benchmarks print this so figures from different machines can be compared.
public struct BLASLibrary: Sendable, CustomStringConvertible {
    /// Build configuration, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64`.
    public let configuration: String
    /// The kernel in use, e.g. `Haswell`, `SkylakeX` or `Zen`.
    public let coreName: String
    /// The kernel forced through the environment, if any (`OPENBLAS_CORETYPE`).
    public let forcedCoreType: String?

    /// The library the process has loaded.
    public static var current: BLASLibrary {
        BLASLibrary(
            configuration: openblas_get_config().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? "unknown",
            coreName: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            forcedCoreType: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    /// One line: `OpenBLAS 0.3.21 … (kernel Haswell, set by OPENBLAS_CORETYPE=Haswell)`.
    public var description: String {
        let forced = forcedCoreType.map { ", set by OPENBLAS_CORETYPE=\($0)" } ?? ", chosen for this processor"
        return "\(configuration) (kernel \(coreName)\(forced))"
    }
}
