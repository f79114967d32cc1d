// Causal 3-D convolution of Emu3's temporal layers (spec §3.2 CausalConv3d): zero-pad time by
// 2 frames in front (always 2, whatever the kernel depth; pitfall §9.6) and 0 behind, pad space
// by (k−1)/2 on each side, then a valid Conv3d with stride (st, 1, 1). One im2col per output frame.

/// Causal Conv3d on a [Cin, T, H, W] clip with weights [Cout, Cin, kt, kh, kw].
public enum CausalConv3DKernel {
    /// Frames of zero padding in front of the clip.
    public static let frontPadding = 2

    /// Output frame count for `frames` input frames.
    public static func outputFrames(frames: Int, kernelDepth kt: Int, stride st: Int) -> Int {
        (frames + frontPadding - kt) / st + 1
    }

    /// x [Cin, T, H, W], weight [Cout, Cin·kt·kh·kw], bias [Cout] → out [Cout, T′, H, W].
    /// kh and kw must be odd (same-size spatial output).
    public static func forward(
        input x: UnsafePointer<Float>, inChannels cin: Int, frames t: Int, height h: Int, width w: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels cout: Int,
        kernel: (t: Int, h: Int, w: Int), temporalStride st: Int, output out: UnsafeMutablePointer<Float>
    ) {
        precondition(kernel.h % 2 == 1 && kernel.w % 2 == 1 && st >= 1 && kernel.t >= 1, "bad causal conv kernel")
        let tOut = outputFrames(frames: t, kernelDepth: kernel.t, stride: st)
        precondition(tOut >= 1, "clip too short for the temporal kernel")
        let npix = h * w
        let k = cin * kernel.t * kernel.h * kernel.w
        let padH = (kernel.h - 1) / 2, padW = (kernel.w - 1) / 2
        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * npix)
        defer { col.deallocate() }
        for to in 0..<tOut {
            // Padded frame index p = to·st + dt; source frame p − 2 (zero when < 0).
            for ci in 0..<cin {
                for dt in 0..<kernel.t {
                    let source = to * st + dt - frontPadding
                    for dy in 0..<kernel.h {
                        for dx in 0..<kernel.w {
                            let row = col + (((ci * kernel.t + dt) * kernel.h + dy) * kernel.w + dx) * npix
                            guard source >= 0 && source < t else {
                                row.update(repeating: 0, count: npix)
                                continue
                            }
                            let plane = x + (ci * t + source) * npix
                            for y in 0..<h {
                                let iy = y + dy - padH
                                let dst = row + y * w
                                if iy < 0 || iy >= h {
                                    dst.update(repeating: 0, count: w)
                                    continue
                                }
                                for xx in 0..<w {
                                    let ix = xx + dx - padW
                                    dst[xx] = (ix < 0 || ix >= w) ? 0 : plane[iy * w + ix]
                                }
                            }
                        }
                    }
                }
            }
            // out[:, to] is strided by T′·HW between channels.
            ConvGEMM.sgemm(m: cout, n: npix, k: k, a: weight, lda: k, b: col, ldb: npix, c: out + to * npix, ldc: tOut * npix)
        }
        for co in 0..<cout {
            let b = bias[co]
            let plane = out + co * tOut * npix
            for i in 0..<(tOut * npix) { plane[i] += b }
        }
    }
}
