import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Causal grouped-query attention of new tokens over one sequence's KV cache.
///
/// Emu3 spec §2.2 step 4–5: query head h uses KV head ⌊h / (heads / kvHeads)⌋ (contiguous
/// groups, §9.3); scores = q·kᵀ / √d plus the causal and padding masks; softmax in f32.
public enum Attention {
    /// At most this many new tokens take the row-kernel path (decode); more use OpenBLAS.
    static let smallTokenLimit = 8

    /// Computes attention for `tokens` new queries of one sequence.
    ///
    /// The new tokens' keys/values must already be `store`d in `cache` for `layer` (slots
    /// `cache.count ..< cache.count + tokens`, not yet committed). Query t sits at slot
    /// `cache.count + t` and sees the slots j ≤ that one which are not padding. A query that
    /// sees no slot (a padding query in a left-padded batch) gets a zero output.
    /// - Parameters:
    ///   - q: queries [rows, heads·d], RoPE applied; rows `rowStart ..< rowStart + tokens` are used.
    ///   - newPadding: per new token, whether its slot is padding (nil: none).
    ///   - out: same shape as q; the same rows are written.
    ///   - scratch: kept for API stability; score buffers come from a pool.
    public static func causal(
        q: Tensor, rowStart: Int, tokens: Int, heads: Int, cache: KVCache, layer: Int,
        newPadding: [Bool]?, out: inout Tensor, scratch: inout Tensor, threads: ComputeThreads
    ) {
        let d = cache.headDim
        let kvHeads = cache.kvHeads
        precondition(heads % kvHeads == 0, "heads \(heads) not a multiple of kv heads \(kvHeads)")
        precondition(q.shape.last == heads * d && out.shape == q.shape, "attention: q \(q.shape) out \(out.shape)")
        precondition(cache.count + tokens <= cache.capacity, "attention: store new keys first")
        let length = cache.count + tokens
        var visible: [Bool]? = nil
        if !cache.isPadding.isEmpty || (newPadding?.contains(true) ?? false) {
            let old = cache.isPadding.isEmpty ? Array(repeating: false, count: cache.count) : cache.isPadding
            visible = (old + (newPadding ?? Array(repeating: false, count: tokens))).map { !$0 }
        }
        out.makeUnique()
        let ctx = Context(
            q: UnsafePointer(q.storage.pointer) + rowStart * heads * d, out: out.storage.pointer + rowStart * heads * d,
            heads: heads, group: heads / kvHeads, d: d, first: cache.count, tokens: tokens, length: length,
            scale: 1 / Float(d).squareRoot())
        if tokens <= smallTokenLimit {
            threads.forEach(kvHeads) { g in
                decodeGroup(ctx, g: g, keys: cache.keyPointer(layer: layer, head: g),
                            values: cache.valuePointer(layer: layer, head: g), visible: visible)
            }
        } else {
            // One head per worker at a time, single-threaded BLAS inside (see configureBLAS).
            threads.forEach(heads) { h in
                let g = h / ctx.group
                ScratchPool.shared.withBuffer(tokens * length) { scores in
                    prefillHead(ctx, h: h, keys: cache.keyPointer(layer: layer, head: g),
                                values: cache.valuePointer(layer: layer, head: g), visible: visible, scores: scores)
                }
            }
        }
    }

    struct Context {
        let q: UnsafePointer<Float>
        let out: UnsafeMutablePointer<Float>
        let heads, group, d, first, tokens, length: Int
        let scale: Float
    }

    /// Few tokens: for each new token, the group's query heads stream the head's keys once
    /// (row kernel), then weights × values.
    static func decodeGroup(
        _ c: Context, g: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, visible: [Bool]?
    ) {
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: c.group * c.length)
        defer { scores.deallocate() }
        for t in 0..<c.tokens {
            let n = c.first + t + 1
            let qRow = c.q + t * c.heads * c.d + g * c.group * c.d
            emu3_rows_dot(EMU3_DTYPE_F32, keys, c.d, c.d, qRow, c.d, c.group, scores, n, 0, n)
            for i in 0..<c.group { maskedSoftmax(scores + i * n, count: n, scale: c.scale, visible: visible) }
            emu3_weighted_rows_sum(
                scores, n, c.group, n, values, c.d, c.d, c.out + t * c.heads * c.d + g * c.group * c.d, c.d)
        }
    }

    /// Many tokens: S [T, L] = Q_h · K_gᵀ and O_h = softmax(S) · V_g with OpenBLAS.
    static func prefillHead(
        _ c: Context, h: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, visible: [Bool]?,
        scores: UnsafeMutablePointer<Float>
    ) {
        let ld = c.heads * c.d
        BLAS.gemmTransB(
            m: c.tokens, n: c.length, k: c.d, a: c.q + h * c.d, lda: ld, b: keys, ldb: c.d,
            c: scores, ldc: c.length)
        for t in 0..<c.tokens {
            let row = scores + t * c.length
            let n = c.first + t + 1
            maskedSoftmax(row, count: n, scale: c.scale, visible: visible)
            for j in n..<c.length { row[j] = 0 }  // causal: future slots
        }
        BLAS.gemm(
            m: c.tokens, n: c.d, k: c.length, a: scores, lda: c.length, b: values, ldb: c.d,
            c: c.out + h * c.d, ldc: ld)
    }

    /// row[j] ← softmax_j(scale · row[j]) over j < count with visible[j]; other entries 0.
    @inline(__always)
    static func maskedSoftmax(_ row: UnsafeMutablePointer<Float>, count n: Int, scale: Float, visible: [Bool]?) {
        var m = -Float.infinity
        for j in 0..<n {
            row[j] *= scale
            if visible?[j] ?? true, row[j] > m { m = row[j] }
        }
        guard m > -.infinity else {
            for j in 0..<n { row[j] = 0 }
            return
        }
        var s: Float = 0
        for j in 0..<n {
            if visible?[j] ?? true {
                let e = expf(row[j] - m)
                row[j] = e
                s += e
            } else {
                row[j] = 0
            }
        }
        let inv = 1 / s
        for j in 0..<n { row[j] *= inv }
    }
}
