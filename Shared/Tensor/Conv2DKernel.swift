// 2-D convolution as im2col + SGEMM (OpenBLAS), banded over output rows so the im2col buffer
// stays small whatever the image size (a 3×3 conv over 256 channels at 512² would otherwise
// need a 2.4 GB matrix).

/// Convolution of one [Cin, H, W] frame with weights [Cout, Cin, kh, kw] (PyTorch layout).
public enum Conv2DKernel {
    /// Largest im2col band, in floats (16 MiB).
    public static let bandBudget = 4 << 20

    /// out[co, oy, ox] = bias[co] + Σ_{ci,dy,dx} w[co, ci, dy, dx] · x̃[ci, oy·s + dy − padTop, ox·s + dx − padLeft]
    /// where x̃ is x upsampled by `geometry.upsample` (nearest) and zero outside.
    ///
    /// x [Cin, H, W], weight [Cout, Cin·kh·kw], bias [Cout] or nil → out [Cout, outH, outW].
    /// `accumulate`: add into `out` instead of overwriting it (bias is still added).
    /// `bandBudget`: largest im2col band in floats (tests use small values to force bands).
    public static func forward(
        input x: UnsafePointer<Float>, geometry g: Conv2DGeometry, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, outChannels: Int, output out: UnsafeMutablePointer<Float>,
        accumulate: Bool = false, bandBudget: Int = bandBudget
    ) {
        precondition(g.inChannels > 0 && g.inHeight > 0 && g.inWidth > 0 && outChannels > 0, "empty conv")
        precondition(g.stride >= 1 && g.upsample >= 1 && g.outHeight > 0 && g.outWidth > 0, "bad conv geometry")
        let outH = g.outHeight, outW = g.outWidth, npix = outH * outW
        let k = g.patchSize
        if g.isPointwise {
            // 1×1: out[Cout, HW] = W[Cout, Cin] · x[Cin, HW]
            ConvGEMM.sgemm(
                m: outChannels, n: npix, k: k, a: weight, lda: k, b: x, ldb: npix, beta: accumulate ? 1 : 0,
                c: out, ldc: npix)
        } else {
            let rowsPerBand = max(1, min(outH, bandBudget / max(1, k * outW)))
            let col = UnsafeMutablePointer<Float>.allocate(capacity: k * rowsPerBand * outW)
            defer { col.deallocate() }
            var row = 0
            while row < outH {
                let rows = min(rowsPerBand, outH - row)
                Im2col.band(x, geometry: g, rowStart: row, rowCount: rows, into: col)
                ConvGEMM.sgemm(
                    m: outChannels, n: rows * outW, k: k, a: weight, lda: k, b: col, ldb: rows * outW,
                    beta: accumulate ? 1 : 0, c: out + row * outW, ldc: npix)
                row += rows
            }
        }
        if let bias {
            for co in 0..<outChannels {
                let b = bias[co]
                let plane = out + co * npix
                for i in 0..<npix { plane[i] += b }
            }
        }
    }
}
