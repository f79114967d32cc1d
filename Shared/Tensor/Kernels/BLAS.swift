import COpenBLAS

/// Thin row-major wrappers over OpenBLAS (0.3.21). "Transposed B" below means B is stored
/// [n, k] and used as Bᵀ, which is how Linear weights [out, in] multiply activations [m, in].
enum BLAS {
    /// C [m, n] = alpha · A [m, k] · Bᵀ (B stored [n, k], row stride ldb) + beta · C.
    static func gemmTransB(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, blasInt(m), blasInt(n), blasInt(k),
            alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// C [m, n] = alpha · A [m, k] · B [k, n] (B row stride ldb) + beta · C.
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, blasInt(m), blasInt(n), blasInt(k),
            alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// Converts a size to OpenBLAS's 32-bit `blasint`; sizes here come from model shapes, so
    /// overflow is an internal invariant violation, not user input.
    @inline(__always)
    static func blasInt(_ v: Int) -> Int32 {
        guard let i = Int32(exactly: v) else { preconditionFailure("BLAS size \(v) exceeds Int32") }
        return i
    }
}
