// Self-attention over the pixels of one [C, H, W] frame (Emu3 VQ attention blocks, spec §3.2):
// q, k, v = 1×1 projections, softmax over all N = H·W positions, output projection. The N×N
// score matrix is never materialised: queries are processed in bands whose scores fit a
// fixed budget (N = 8100 at 720² would need 262 MB, spec §3.6).
import Foundation

/// Multi-head self-attention over pixels, channel-major.
public enum SpatialAttentionKernel {
    /// Largest score band, in floats (16 MiB).
    public static let scoreBudget = 4 << 20

    /// Weights of one attention block: [C, C] projections (PyTorch Linear layout: out × in) and [C] biases.
    public struct Weights {
        public var q: UnsafePointer<Float>, qBias: UnsafePointer<Float>
        public var k: UnsafePointer<Float>, kBias: UnsafePointer<Float>
        public var v: UnsafePointer<Float>, vBias: UnsafePointer<Float>
        public var out: UnsafePointer<Float>, outBias: UnsafePointer<Float>
        public init(
            q: UnsafePointer<Float>, qBias: UnsafePointer<Float>, k: UnsafePointer<Float>, kBias: UnsafePointer<Float>,
            v: UnsafePointer<Float>, vBias: UnsafePointer<Float>, out: UnsafePointer<Float>, outBias: UnsafePointer<Float>
        ) {
            self.q = q
            self.qBias = qBias
            self.k = k
            self.kBias = kBias
            self.v = v
            self.vBias = vBias
            self.out = out
            self.outBias = outBias
        }
    }

    /// residual[C, N] += out_proj(attention(x)), where x [C, N] is the normalised input.
    ///
    /// For each head h of width d = C / heads: A = softmax_j(q_i · k_j / √d), o_i = Σ_j A_ij v_j.
    /// `scoreBudget` bounds the score band in floats (tests use small values to force bands).
    public static func addAttention(
        normalized x: UnsafePointer<Float>, channels c: Int, pixels n: Int, heads: Int, weights w: Weights,
        residual: UnsafeMutablePointer<Float>, scoreBudget: Int = scoreBudget
    ) {
        precondition(heads > 0 && c % heads == 0 && n > 0, "bad attention shape")
        let d = c / heads
        let q = UnsafeMutablePointer<Float>.allocate(capacity: c * n)
        let k = UnsafeMutablePointer<Float>.allocate(capacity: c * n)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: c * n)
        defer {
            q.deallocate()
            k.deallocate()
            v.deallocate()
        }
        project(x, channels: c, pixels: n, weight: w.q, bias: w.qBias, into: q)
        project(x, channels: c, pixels: n, weight: w.k, bias: w.kBias, into: k)
        project(x, channels: c, pixels: n, weight: w.v, bias: w.vBias, into: v)

        let o = UnsafeMutablePointer<Float>.allocate(capacity: c * n)
        defer { o.deallocate() }
        let band = max(1, min(n, scoreBudget / n))
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: band * n)
        defer { scores.deallocate() }
        let scale = 1 / Float(d).squareRoot()
        for h in 0..<heads {
            let qh = q + h * d * n, kh = k + h * d * n, vh = v + h * d * n, oh = o + h * d * n
            var i0 = 0
            while i0 < n {
                let rows = min(band, n - i0)
                // S[rows, N] = scale · Q[:, i0..]ᵀ · K
                ConvGEMM.sgemm(
                    transposeA: true, m: rows, n: n, k: d, alpha: scale, a: qh + i0, lda: n, b: kh, ldb: n,
                    c: scores, ldc: n)
                softmaxRows(scores, rows: rows, columns: n)
                // O[:, i0..i0+rows] = V[d, N] · S[rows, N]ᵀ
                ConvGEMM.sgemm(
                    transposeB: true, m: d, n: rows, k: n, a: vh, lda: n, b: scores, ldb: n, c: oh + i0, ldc: n)
                i0 += rows
            }
        }
        // residual += W_out · o + b_out
        ConvGEMM.sgemm(m: c, n: n, k: c, a: w.out, lda: c, b: o, ldb: n, beta: 1, c: residual, ldc: n)
        for ch in 0..<c {
            let b = w.outBias[ch]
            let row = residual + ch * n
            for i in 0..<n { row[i] += b }
        }
    }

    /// y[C, N] = W[C, C] · x[C, N] + b.
    static func project(
        _ x: UnsafePointer<Float>, channels c: Int, pixels n: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        ConvGEMM.sgemm(m: c, n: n, k: c, a: weight, lda: c, b: x, ldb: n, c: y, ldc: n)
        for ch in 0..<c {
            let b = bias[ch]
            let row = y + ch * n
            for i in 0..<n { row[i] += b }
        }
    }

    /// Row-wise softmax in place, max-subtracted.
    public static func softmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = s + r * columns
            var m = -Float.infinity
            for j in 0..<columns { m = max(m, row[j]) }
            var sum: Float = 0
            for j in 0..<columns {
                let e = Foundation.exp(row[j] - m)
                row[j] = e
                sum += e
            }
            let inv = 1 / sum
            for j in 0..<columns { row[j] *= inv }
        }
    }
}
