import CKernels

/// y = x · Wᵀ for Linear weights W [out, in] of any `DType`, activations in Float32.
///
/// Two paths, chosen by the number of activation rows m:
/// - m small (decode: 1 stream, 2 CFG streams, a forced token plus the next): the row kernel
///   streams every weight row once for all m vectors (AVX2 + FMA, BF16/F16 widened in
///   registers), rows split over threads. Decode is memory bound on W, so reading W once per
///   step is the whole game; a BLAS GEMM with m = 2 is no faster than two GEMVs.
/// - m large (prefill, scoring): OpenBLAS `sgemm` on panels of output features, one panel per
///   worker at a time (BLAS itself single-threaded, see `ComputeThreads.configureBLAS`).
///   16-bit weights are widened panel by panel into pooled Float32 buffers, never the whole
///   matrix.
public enum Linear {
    /// Largest m served by the row kernel for 16-bit weights: past it, widening a panel once and
    /// running sgemm reads fewer bytes than several passes of the row kernel.
    public static let rowKernelLimit16 = 8
    /// Largest m served by the row kernel for F32 weights.
    public static let rowKernelLimit32 = 4
    /// Output features per GEMM panel: large enough that re-packing x per panel stays cheap
    /// next to the panel's multiply, small enough to balance over the workers.
    static let panelRows = 256
    /// Rows per thread below which the row kernel stays on one thread.
    static let minRowsPerThread = 64

    /// Computes `output [m, rows.count] = input [m, W.cols] · W[rows, :]ᵀ`.
    /// - Parameters:
    ///   - weight: W [out, in].
    ///   - rows: the output features to compute (default: all). A slice of lm_head, for example.
    ///   - input: x [m, in] (any leading shape whose last dimension is `in`).
    ///   - output: resized to [m, rows.count].
    ///   - scratch: kept for API stability; panels use pooled buffers.
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
        } else {
            panelGemm(weight, rows: r, x: x, m: m, y: y, threads: threads)
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

    /// Splits the output features into panels handed out to the workers; each widens its
    /// panel of W into a pooled Float32 buffer (16-bit weights) and runs a single-threaded
    /// sgemm on it. Dynamic panels keep both cores busy when the OS deschedules one.
    static func panelGemm(
        _ w: WeightMatrix, rows r: Range<Int>, x: UnsafePointer<Float>, m: Int,
        y: UnsafeMutablePointer<Float>, threads: ComputeThreads
    ) {
        let k = w.cols
        let n = r.count
        let ctx = PanelContext(x: x, y: y)
        threads.forEachChunk(of: n, alignment: 16, minChunk: panelRows) { _, chunk in
            let first = r.lowerBound + chunk.lowerBound
            if w.dtype == .f32 {
                let b = w.base.assumingMemoryBound(to: Float.self) + first * k
                BLAS.gemmTransB(m: m, n: chunk.count, k: k, a: ctx.x, lda: k, b: b, ldb: k,
                                c: ctx.y + chunk.lowerBound, ldc: n)
                return
            }
            ScratchPool.shared.withBuffer(chunk.count * k) { panel in
                w.widenRows(first, count: chunk.count, into: panel)
                BLAS.gemmTransB(m: m, n: chunk.count, k: k, a: ctx.x, lda: k, b: panel, ldb: k,
                                c: ctx.y + chunk.lowerBound, ldc: n)
            }
        }
    }
}

/// Pointers shared by the panel workers (each writes its own output columns).
private struct PanelContext: @unchecked Sendable {
    let x: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
}
