import Testing
import Tensors

/// The benchmark's BLAS line suggests a kernel only when OpenBLAS fell back to a pre-AVX2 one on its own.
@Suite("BLAS kernel advice")
struct BLASAdviceTests {
    func library(_ core: String, forced: String? = nil) -> BLASLibrary {
        BLASLibrary(configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH", coreName: core, forcedCoreType: forced)
    }

    @Test("Prescott on an AVX-512 processor: SkylakeX suggested; on AVX2 only: Haswell")
    func fallback() throws {
        let avx512 = try #require(library("Prescott").advice(cpuFlags: ["sse3", "avx2", "fma", "avx512f"]))
        #expect(avx512.contains("OPENBLAS_CORETYPE=SkylakeX") && avx512.contains("Prescott"))
        let avx2 = try #require(library("Sandybridge").advice(cpuFlags: ["avx", "avx2", "fma"]))
        #expect(avx2.contains("OPENBLAS_CORETYPE=Haswell"))
    }

    @Test("no advice for a fitting kernel, a forced kernel, or a processor without AVX2")
    func none() {
        #expect(library("Haswell").advice(cpuFlags: ["avx2", "fma"]) == nil)
        #expect(library("SkylakeX").advice(cpuFlags: ["avx2", "fma", "avx512f"]) == nil)
        #expect(library("Cooperlake").advice(cpuFlags: ["avx2", "fma", "avx512f"]) == nil)
        #expect(library("Prescott", forced: "Prescott").advice(cpuFlags: ["avx2", "fma"]) == nil)
        #expect(library("Prescott").advice(cpuFlags: ["sse3", "ssse3"]) == nil)
        #expect(library("Prescott").advice(cpuFlags: []) == nil)
    }
}
