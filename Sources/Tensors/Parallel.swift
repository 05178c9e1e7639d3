import COpenBLAS
import Dispatch
import Foundation

/// How the kernels share the machine: our own threads split the work, and OpenBLAS runs single-threaded
/// inside each of them (two BLAS thread pools fighting for two cores is slower than one).
public enum ComputeThreads {
    /// Number of worker threads the kernels split work across (the active processor count).
    public static let workerCount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(worker)` for `worker` in `0..<min(workerCount, units)` concurrently and waits for all.
    /// Each worker is expected to process the units `worker, worker + workers, ...` it is handed.
    static func forEachWorker(units: Int, parallel: Bool = true, _ body: (_ worker: Int, _ workers: Int) -> Void) {
        configureBLAS()
        let workers = parallel ? max(1, min(workerCount, units)) : 1
        if workers == 1 {
            body(0, 1)
            return
        }
        // The workers only touch disjoint parts of buffers their caller owns for the whole call.
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendableBox(escapable)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                shared.value(worker, workers)
            }
        }
    }

    /// Sets OpenBLAS to one thread, once per process.
    static func configureBLAS() {
        _ = blasConfigured
    }

    private static let blasConfigured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()
}

/// Row-major single-precision matrix product `C = A·op(B) + beta·C` through OpenBLAS's `cblas_sgemm`.
/// A is `[m, k]` with leading dimension `lda`; B is `[k, n]` (or `[n, k]` when `transposeB`), C is `[m, n]`.
@inline(__always)
func matrixMultiply(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
    c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float
) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), 1.0, a, blasint(lda), b, blasint(ldb),
                beta, c, blasint(ldc))
}

/// Hands a value to `concurrentPerform` workers; used only for closures over disjoint buffer regions.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
