// GroupNorm (with optional fused SiLU) and the MoVQ SpatialNorm modulation, on one [C, H, W]
// frame (spec §3.2: 32 groups, eps 1e-6, biased variance over C/G channels × H × W).
import Foundation

/// Group normalisation kernels.
public enum GroupNormKernel {
    /// Per-group mean and reciprocal standard deviation, accumulated in Double.
    /// x [C, HW] → (mean[G], rstd[G]).
    public static func statistics(
        _ x: UnsafePointer<Float>, channels: Int, pixels: Int, groups: Int, epsilon: Float
    ) -> (mean: [Float], rstd: [Float]) {
        precondition(groups > 0 && channels % groups == 0, "channels must divide into groups")
        let perGroup = channels / groups * pixels
        var mean = [Float](repeating: 0, count: groups)
        var rstd = [Float](repeating: 0, count: groups)
        let work = { (g: Int) in
            let base = x + g * perGroup
            var s = 0.0, ss = 0.0
            // Accumulate in Float blocks (vectorisable), fold into Double every 1024 values.
            var i = 0
            while i < perGroup {
                let end = min(perGroup, i + 1024)
                var fs: Float = 0, fss: Float = 0
                for j in i..<end {
                    let v = base[j]
                    fs += v
                    fss += v * v
                }
                s += Double(fs)
                ss += Double(fss)
                i = end
            }
            let m = s / Double(perGroup)
            let variance = max(0, ss / Double(perGroup) - m * m)
            mean[g] = Float(m)
            rstd[g] = Float(1.0 / (variance + Double(epsilon)).squareRoot())
        }
        for g in 0..<groups { work(g) }
        return (mean, rstd)
    }

    /// out = GN(x)·γ + β, then SiLU when `silu`. `out` may alias `x`.
    /// x [C, HW], gamma/beta [C] → out [C, HW].
    public static func forward(
        _ x: UnsafePointer<Float>, channels: Int, pixels: Int, groups: Int, epsilon: Float,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, silu: Bool, output out: UnsafeMutablePointer<Float>
    ) {
        let (mean, rstd) = statistics(x, channels: channels, pixels: pixels, groups: groups, epsilon: epsilon)
        let perGroupChannels = channels / groups
        for c in 0..<channels {
            let g = c / perGroupChannels
            // As PyTorch's CPU kernel: y = x·scale + shift with scale = γ·rstd, shift = β − scale·mean.
            let scale = gamma[c] * rstd[g]
            let shift = beta[c] - scale * mean[g]
            let src = x + c * pixels, dst = out + c * pixels
            if silu {
                for i in 0..<pixels { dst[i] = SiLU.apply(src[i] * scale + shift) }
            } else {
                for i in 0..<pixels { dst[i] = src[i] * scale + shift }
            }
        }
    }

    /// SpatialNorm (MoVQ): out = GN(x)·γ+β, then · Y + B, then SiLU when `silu`, where Y and B
    /// are [C, hq, wq] maps (conv_y / conv_b of the quantised latent) read with PyTorch's
    /// legacy nearest indexing: Y[c, ⌊oy·hq/H⌋, ⌊ox·wq/W⌋]. `out` may alias `x`.
    /// x [C, H, W], Y/B [C, hq, wq] → out [C, H, W].
    public static func spatialNorm(
        _ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int, groups: Int, epsilon: Float,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, scaleMap: UnsafePointer<Float>,
        shiftMap: UnsafePointer<Float>, mapHeight: Int, mapWidth: Int, silu: Bool,
        output out: UnsafeMutablePointer<Float>
    ) {
        let pixels = height * width
        let (mean, rstd) = statistics(x, channels: channels, pixels: pixels, groups: groups, epsilon: epsilon)
        let perGroupChannels = channels / groups
        let rowIndex = NearestIndex.table(output: height, input: mapHeight)
        let colIndex = NearestIndex.table(output: width, input: mapWidth)
        let mapPixels = mapHeight * mapWidth
        for c in 0..<channels {
            let g = c / perGroupChannels
            let scale = gamma[c] * rstd[g]
            let shift = beta[c] - scale * mean[g]
            let ys = scaleMap + c * mapPixels, bs = shiftMap + c * mapPixels
            for oy in 0..<height {
                let src = x + c * pixels + oy * width, dst = out + c * pixels + oy * width
                let yrow = ys + rowIndex[oy] * mapWidth, brow = bs + rowIndex[oy] * mapWidth
                if silu {
                    for ox in 0..<width {
                        let n = src[ox] * scale + shift
                        dst[ox] = SiLU.apply(n * yrow[colIndex[ox]] + brow[colIndex[ox]])
                    }
                } else {
                    for ox in 0..<width {
                        let n = src[ox] * scale + shift
                        dst[ox] = n * yrow[colIndex[ox]] + brow[colIndex[ox]]
                    }
                }
            }
        }
    }
}

// Nested in GroupNormKernel so these generic names cannot clash with other Tensor files.
extension GroupNormKernel {
    /// PyTorch's `F.interpolate(mode="nearest")` source index (legacy floor rule).
    public enum NearestIndex {
        /// src[o] = min(⌊o · (input / output)⌋, input − 1), with the scale in Float as PyTorch
        /// computes it (exact for the integer factors Emu3 uses).
        public static func table(output: Int, input: Int) -> [Int] {
            if output == input { return Array(0..<output) }
            if output == 2 * input { return (0..<output).map { $0 >> 1 } }
            let scale = Float(input) / Float(output)
            return (0..<output).map { min(Int((Float($0) * scale).rounded(.down)), input - 1) }
        }
    }

    /// x · sigmoid(x).
    public enum SiLU {
        @inline(__always)
        public static func apply(_ v: Float) -> Float { v / (1 + Foundation.exp(-v)) }

        /// In place over `count` values.
        public static func inPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
            for i in 0..<count { x[i] = apply(x[i]) }
        }
    }
}
