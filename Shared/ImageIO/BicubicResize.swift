// Bicubic resize bit-exact with Pillow's `Image.resize(size, BICUBIC)` on RGB images
// (Pillow 13.0.0 src/libImaging/Resample.c: precompute_coeffs, normalize_coeffs_8bpc,
// ImagingResample{Horizontal,Vertical}_8bpc, ImagingResampleInner). The reference processor
// resizes with it (spec §4.1 step 3; pitfall §9.15: a float bicubic does not match).
//
// Pass order: Pillow ≤ 11 always ran the horizontal pass first (what spec §4.1 describes);
// Pillow 13 (the reference installed here) runs the vertical pass first when the height shrinks
// by more than twice as many pixels as the width does. The 8-bit rounding between passes makes
// the order visible (up to 3 levels), so we follow Pillow 13.

/// Pillow-exact resampling of RGB8 images.
public enum BicubicResize {
    /// Fixed-point fraction bits of the tap weights (Pillow: 32 − 8 − 2).
    static let precisionBits = 22

    /// Resizes with Pillow's BICUBIC filter (a = −0.5, support 2, antialiased when shrinking).
    ///
    /// Separable: one pass per axis, the intermediate rounded and clamped to 8 bits. The
    /// horizontal pass runs first unless the height shrinks by more than twice as many pixels
    /// as the width (Pillow 13's rule). A pass whose size does not change is skipped, as in
    /// Pillow; if neither changes the image is returned as it is.
    /// - Parameters:
    ///   - image: the source.
    ///   - width: target width (≥ 1).
    ///   - height: target height (≥ 1).
    /// - Returns: the resized image.
    /// - Throws: `ImageIOError.zeroSize` for a non-positive target.
    public static func resize(_ image: RGBImage, width: Int, height: Int) throws(ImageIOError) -> RGBImage {
        guard width > 0, height > 0 else { throw .zeroSize(width: width, height: height) }
        let shrinkY = image.height - height, shrinkX = image.width - width
        let horizontalFirst = !(shrinkY > 0 && shrinkY > shrinkX * 2)
        var current = image
        if horizontalFirst, width != current.width {
            current = try horizontalPass(current, taps: Taps(inputSize: current.width, outputSize: width))
        }
        if height != current.height {
            current = try verticalPass(current, taps: Taps(inputSize: current.height, outputSize: height))
        }
        if width != current.width {
            current = try horizontalPass(current, taps: Taps(inputSize: current.width, outputSize: width))
        }
        return current
    }

    // MARK: - Coefficients

    /// Pillow's `bicubic_filter` with a = −0.5.
    @inline(__always)
    static func bicubic(_ x: Double) -> Double {
        let a = -0.5
        let x = abs(x)
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }

    /// For each output index: first input index, tap count, and fixed-point weights
    /// (row `o` of `weights` holds `kernelSize` entries, the first `count[o]` used).
    struct Taps {
        var first: [Int]
        var count: [Int]
        var kernelSize: Int
        var weights: [Int32]

        init(inputSize: Int, outputSize: Int) {
            let support0 = 2.0  // bicubic support
            let scale = Double(inputSize) / Double(outputSize)
            let filterScale = max(scale, 1.0)
            let support = support0 * filterScale
            kernelSize = Int(support.rounded(.up)) * 2 + 1
            first = [Int](repeating: 0, count: outputSize)
            count = [Int](repeating: 0, count: outputSize)
            weights = [Int32](repeating: 0, count: outputSize * kernelSize)
            var k = [Double](repeating: 0, count: kernelSize)
            for xx in 0..<outputSize {
                let center = (Double(xx) + 0.5) * scale
                let ss = 1.0 / filterScale
                // C casts truncate toward zero; Swift's Int(_:) does the same.
                let xmin = max(Int(center - support + 0.5), 0)
                let xmax = min(Int(center + support + 0.5), inputSize) - xmin
                var ww = 0.0
                for x in 0..<xmax {
                    let w = bicubic((Double(x + xmin) - center + 0.5) * ss)
                    k[x] = w
                    ww += w
                }
                for x in 0..<kernelSize {
                    var value = x < xmax ? k[x] : 0
                    if x < xmax, ww != 0.0 { value /= ww }
                    // normalize_coeffs_8bpc: round half away from zero, then truncate.
                    let scaled = value * Double(1 << precisionBits)
                    weights[xx * kernelSize + x] = Int32(value < 0 ? Int(-0.5 + scaled) : Int(0.5 + scaled))
                }
                first[xx] = xmin
                count[xx] = max(xmax, 0)
            }
        }
    }

    /// Pillow's clip8: accumulator (with 2^21 rounding offset) → 0…255.
    @inline(__always)
    static func clip8(_ value: Int) -> UInt8 {
        if value >= (1 << precisionBits) << 8 { return 255 }
        if value <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: value >> precisionBits)
    }

    // MARK: - Passes

    // [H, W_in, 3] → [H, W_out, 3]
    static func horizontalPass(_ image: RGBImage, taps: Taps) throws(ImageIOError) -> RGBImage {
        let outWidth = taps.first.count
        var out = [UInt8](repeating: 0, count: outWidth * image.height * 3)
        let half = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<image.height {
                        let row = y * image.width * 3
                        for xx in 0..<outWidth {
                            var s0 = half, s1 = half, s2 = half
                            let x0 = taps.first[xx]
                            let k = xx * taps.kernelSize
                            for x in 0..<taps.count[xx] {
                                let weight = Int(w[k + x])
                                let p = row + (x0 + x) * 3
                                s0 += Int(src[p]) * weight
                                s1 += Int(src[p + 1]) * weight
                                s2 += Int(src[p + 2]) * weight
                            }
                            let o = (y * outWidth + xx) * 3
                            dst[o] = clip8(s0)
                            dst[o + 1] = clip8(s1)
                            dst[o + 2] = clip8(s2)
                        }
                    }
                }
            }
        }
        return try RGBImage(width: outWidth, height: image.height, pixels: out)
    }

    // [H_in, W, 3] → [H_out, W, 3]
    static func verticalPass(_ image: RGBImage, taps: Taps) throws(ImageIOError) -> RGBImage {
        let outHeight = taps.first.count
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        let half = 1 << (precisionBits - 1)
        var acc = [Int](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { dst in
                    acc.withUnsafeMutableBufferPointer { acc in
                        for yy in 0..<outHeight {
                            for i in 0..<rowBytes { acc[i] = half }
                            let y0 = taps.first[yy]
                            let k = yy * taps.kernelSize
                            for y in 0..<taps.count[yy] {
                                let weight = Int(w[k + y])
                                let row = (y0 + y) * rowBytes
                                for i in 0..<rowBytes { acc[i] += Int(src[row + i]) * weight }
                            }
                            let o = yy * rowBytes
                            for i in 0..<rowBytes { dst[o + i] = clip8(acc[i]) }
                        }
                    }
                }
            }
        }
        return try RGBImage(width: image.width, height: outHeight, pixels: out)
    }
}
