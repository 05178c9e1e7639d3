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

    public init(configuration: String, coreName: String, forcedCoreType: String?) {
        self.configuration = configuration
        self.coreName = coreName
        self.forcedCoreType = forcedCoreType
    }

    /// The library the process has loaded.
    public static var current: BLASLibrary {
        BLASLibrary(
            configuration: openblas_get_config().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? "unknown",
            coreName: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            forcedCoreType: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    /// One line: `OpenBLAS 0.3.21 … (kernel Haswell, set by OPENBLAS_CORETYPE=Haswell)`, followed by
    /// `advice` when there is some.
    public var description: String {
        let forced = forcedCoreType.map { ", set by OPENBLAS_CORETYPE=\($0)" } ?? ", chosen for this processor"
        let line = "\(configuration) (kernel \(coreName)\(forced))"
        return advice(cpuFlags: Self.processorFlags()).map { line + "\n" + $0 } ?? line
    }

    /// Kernels from before AVX2. OpenBLAS falls back to one of them on a processor model it does not know
    /// (a virtual machine reporting a generic `Intel(R) Xeon(R) Processor`, or a CPU newer than the library).
    static let preAVX2Kernels: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood",
        "banias", "opteron", "opteron_sse3", "barcelona", "bobcat", "sandybridge", "bulldozer", "piledriver",
    ]

    /// A suggestion when OpenBLAS chose a kernel from before AVX2 on its own although the processor has AVX2 and
    /// FMA (or AVX-512): forcing the newer kernel measured 2 to 3.4x the scale-4 forward throughput on such a
    /// machine (Prescott chosen for an AVX-512 Xeon VM, 2026-12-07). nil when the kernel was forced or fits.
    /// - Parameter cpuFlags: the processor's feature flags as `/proc/cpuinfo` lists them (`avx2`, `fma`, `avx512f`).
    public func advice(cpuFlags: Set<String>) -> String? {
        guard forcedCoreType == nil, Self.preAVX2Kernels.contains(coreName.lowercased()),
              cpuFlags.contains("avx2"), cpuFlags.contains("fma") else { return nil }
        let better = cpuFlags.contains("avx512f") ? "SkylakeX" : "Haswell"
        return "BLAS: OpenBLAS chose \(coreName) (no AVX2) for a processor with \(better == "SkylakeX" ? "AVX-512" : "AVX2"); "
            + "OPENBLAS_CORETYPE=\(better) in the environment may make the forward pass several times faster "
            + "(results then differ in the last bits, as they do between machines)"
    }

    /// The flags of the first processor in `/proc/cpuinfo`; empty where there is no such file.
    static func processorFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
