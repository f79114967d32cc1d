// Row-major single-precision GEMM for the convolution kernels (OpenBLAS cblas_sgemm).
//
// Layout rule for every kernel in the Conv*/GroupNorm*/Im2col*/SpatialAttention* files: feature
// maps are channel-major, [C, H, W] row-major (W fastest), one frame at a time; clips are
// [C, T, H, W]. Matrices are row-major with an explicit leading dimension (the row stride).
import COpenBLAS

/// A thin, checked wrapper over `cblas_sgemm` (row-major).
public enum ConvGEMM {
    /// C[M, N] = alpha · op(A) · op(B) + beta · C, all row-major.
    /// - A is [M, K] (lda ≥ K), or [K, M] when `transposeA` (lda ≥ M).
    /// - B is [K, N] (ldb ≥ N), or [N, K] when `transposeB` (ldb ≥ K).
    /// - C is [M, N] with row stride ldc ≥ N.
    @inline(__always)
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM size")
        if m == 0 || n == 0 { return }
        precondition(ldc >= n && lda >= (transposeA ? m : k) && ldb >= (transposeB ? k : n), "bad leading dimension")
        guard let m32 = Int32(exactly: m), let n32 = Int32(exactly: n), let k32 = Int32(exactly: k),
            let lda32 = Int32(exactly: lda), let ldb32 = Int32(exactly: ldb), let ldc32 = Int32(exactly: ldc)
        else { preconditionFailure("GEMM size does not fit blasint") }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            m32, n32, k32, alpha, a, lda32, b, ldb32, beta, c, ldc32)
    }

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (call once, at start).
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(clamping: max(1, count))) }
}
