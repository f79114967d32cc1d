// im2col for 2-D convolutions, one band of output rows at a time, with optional fused
// nearest-neighbour upsampling of the input (Emu3 Upsample = nearest ×2 then Conv3×3, spec §3.2).

/// Geometry of a 2-D convolution on one [C, H, W] frame.
public struct Conv2DGeometry: Sendable, Equatable {
    public var inChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var stride: Int
    /// Zero padding on each side (Emu3's Downsample pads only bottom and right).
    public var padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
    /// Nearest-neighbour upsampling applied to the input before padding (1 = none).
    public var upsample: Int

    public init(
        inChannels: Int, inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int, stride: Int = 1,
        padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, upsample: Int = 1
    ) {
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.upsample = upsample
    }

    /// Input size after upsampling.
    public var effectiveHeight: Int { inHeight * upsample }
    public var effectiveWidth: Int { inWidth * upsample }
    public var outHeight: Int { (effectiveHeight + padTop + padBottom - kernelHeight) / stride + 1 }
    public var outWidth: Int { (effectiveWidth + padLeft + padRight - kernelWidth) / stride + 1 }
    /// Rows of the im2col matrix: Cin · kh · kw (the GEMM's K).
    public var patchSize: Int { inChannels * kernelHeight * kernelWidth }
    /// True when the conv is a plain matrix product over pixels (1×1, stride 1, no pad, no upsample).
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && upsample == 1
            && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
    }
}

/// Builds im2col bands.
public enum Im2col {
    /// Writes the im2col matrix for output rows `rowStart ..< rowStart + rowCount`:
    /// col[(ci·kh + dy)·kw + dx, (oy − rowStart)·outW + ox] = x[ci, iy, ix] (0 outside),
    /// with iy = (oy·stride + dy − padTop) / upsample, likewise ix.
    ///
    /// x [Cin, H, W] → col [Cin·kh·kw, rowCount·outW], row-major.
    public static func band(
        _ x: UnsafePointer<Float>, geometry g: Conv2DGeometry, rowStart: Int, rowCount: Int,
        into col: UnsafeMutablePointer<Float>
    ) {
        let outW = g.outWidth
        let n = rowCount * outW
        let effH = g.effectiveHeight, effW = g.effectiveWidth
        let up = g.upsample
        for ci in 0..<g.inChannels {
            let plane = x + ci * g.inHeight * g.inWidth
            for dy in 0..<g.kernelHeight {
                for dx in 0..<g.kernelWidth {
                    let row = col + ((ci * g.kernelHeight + dy) * g.kernelWidth + dx) * n
                    for r in 0..<rowCount {
                        let oy = rowStart + r
                        let ey = oy * g.stride + dy - g.padTop
                        let dst = row + r * outW
                        if ey < 0 || ey >= effH {
                            dst.update(repeating: 0, count: outW)
                            continue
                        }
                        let src = plane + (ey / up) * g.inWidth
                        if g.stride == 1 && up == 1 {
                            // Contiguous run: dst[ox] = src[ox + dx − padLeft] inside the image.
                            let shift = dx - g.padLeft
                            let lo = min(outW, max(0, -shift)), hi = min(outW, effW - shift)
                            if lo > 0 { dst.update(repeating: 0, count: lo) }
                            if hi > lo { (dst + lo).update(from: src + lo + shift, count: hi - lo) }
                            if hi < outW { (dst + max(hi, lo)).update(repeating: 0, count: outW - max(hi, lo)) }
                        } else {
                            for ox in 0..<outW {
                                let ex = ox * g.stride + dx - g.padLeft
                                dst[ox] = (ex < 0 || ex >= effW) ? 0 : src[ex / up]
                            }
                        }
                    }
                }
            }
        }
    }
}
