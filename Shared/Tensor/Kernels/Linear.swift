import CKernels

/// y = x · Wᵀ for Linear weights W [out, in] of any `DType`, activations in Float32.
///
/// Two paths, chosen by the number of activation rows m:
/// - m small (decode: 1 stream, 2 CFG streams, a forced token plus the next): the row kernel
///   streams every weight row once for all m vectors (AVX2 + FMA, BF16/F16 widened in
///   registers), rows split over threads. Decode is memory bound on W, so reading W once per
///   step is the whole game; a BLAS GEMM with m = 2 is no faster than two GEMVs.
/// - m large (prefill, scoring): OpenBLAS `sgemm`. 16-bit weights are widened panel by panel
///   into a reused Float32 scratch (a few MB), never the whole matrix.
public enum Linear {
    /// Largest m served by the row kernel for 16-bit weights: past it, widening a panel once and
    /// running sgemm reads fewer bytes than several passes of the row kernel.
    public static let rowKernelLimit16 = 8
    /// Largest m served by the row kernel for F32 weights.
    public static let rowKernelLimit32 = 4
    /// Target size of one widened Float32 weight panel (bytes).
    static let panelBytes = 8 << 20
    /// Rows per thread below which the row kernel stays on one thread.
    static let minRowsPerThread = 64

    /// Computes `output [m, rows.count] = input [m, W.cols] · W[rows, :]ᵀ`.
    /// - Parameters:
    ///   - weight: W [out, in].
    ///   - rows: the output features to compute (default: all). A slice of lm_head, for example.
    ///   - input: x [m, in] (any leading shape whose last dimension is `in`).
    ///   - output: resized to [m, rows.count].
    ///   - scratch: reused widening buffer for 16-bit weights on the GEMM path.
    ///   - threads: workers for the row kernel and for widening.
    public static func apply(
        _ weight: WeightMatrix, rows: Range<Int>? = nil, input: Tensor, output: inout Tensor,
        scratch: inout Tensor, threads: ComputeThreads
    ) {
        let k = weight.cols
        precondition(input.shape.last == k, "Linear: input \(input.shape) vs weight [\(weight.rows), \(k)]")
        let m = input.count / max(k, 1)
        let r = rows ?? 0..<weight.rows
        precondition(r.lowerBound >= 0 && r.upperBound <= weight.rows, "Linear: rows \(r) of \(weight.rows)")
        let n = r.count
        output.resize(to: [m, n])
        output.makeUnique()
        guard m > 0, n > 0 else { return }
        let x = UnsafePointer(input.storage.pointer)
        let y = output.storage.pointer
        let limit = weight.dtype == .f32 ? rowKernelLimit32 : rowKernelLimit16
        if m <= limit || k == 0 {
            rowKernel(weight, rows: r, x: x, m: m, y: y, threads: threads)
        } else if weight.dtype == .f32 {
            let b = weight.base.assumingMemoryBound(to: Float.self) + r.lowerBound * k
            BLAS.gemmTransB(m: m, n: n, k: k, a: x, lda: k, b: b, ldb: k, c: y, ldc: n)
        } else {
            widenedGemm(weight, rows: r, x: x, m: m, y: y, scratch: &scratch, threads: threads)
        }
    }

    /// Row kernel over `threads`: y [m, rows.count] (row stride rows.count).
    static func rowKernel(
        _ w: WeightMatrix, rows r: Range<Int>, x: UnsafePointer<Float>, m: Int,
        y: UnsafeMutablePointer<Float>, threads: ComputeThreads
    ) {
        let k = w.cols
        let n = r.count
        threads.forEachChunk(of: n, alignment: 4, minChunk: minRowsPerThread) { _, chunk in
            emu3_rows_dot(
                w.dtype.cType, w.base, k, k, x, k, m, y + chunk.lowerBound, n,
                r.lowerBound + chunk.lowerBound, r.lowerBound + chunk.upperBound)
        }
    }

    /// Widens W panel by panel into `scratch` and multiplies with sgemm.
    static func widenedGemm(
        _ w: WeightMatrix, rows r: Range<Int>, x: UnsafePointer<Float>, m: Int,
        y: UnsafeMutablePointer<Float>, scratch: inout Tensor, threads: ComputeThreads
    ) {
        let k = w.cols
        let n = r.count
        let panel = min(n, max(16, (panelBytes / (4 * k)) / 16 * 16))
        scratch.resize(to: [panel, k])
        scratch.makeUnique()
        let buf = scratch.storage.pointer
        var p = 0
        while p < n {
            let pn = min(panel, n - p)
            let first = r.lowerBound + p
            threads.forEachChunk(of: pn, minChunk: 16) { _, chunk in
                w.widenRows(first + chunk.lowerBound, count: chunk.count, into: buf + chunk.lowerBound * k)
            }
            BLAS.gemmTransB(m: m, n: pn, k: k, a: x, lda: k, b: buf, ldb: k, c: y + p, ldc: n)
            p += pn
        }
    }
}
