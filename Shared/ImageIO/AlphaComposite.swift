// Alpha compositing over opaque white, bit-exact with Pillow's `Image.alpha_composite`
// (Pillow src/libImaging/AlphaComposite.c, PRECISION_BITS = 7), which is what the reference
// processor uses (transformers `convert_to_rgb`, spec §4.1 step 1). Verified against Pillow for
// every (value, alpha) pair.

enum AlphaComposite {
    /// out = src over opaque white for one 8-bit channel value `c` with alpha `a`.
    @inline(__always)
    static func overWhite(_ c: UInt32, alpha a: UInt32) -> UInt8 {
        if a == 0 { return 255 }
        // blend = dst.a·(255 − src.a) with dst.a = 255; outa255 = src.a·255 + blend = 255·255.
        let outa255: UInt32 = a * 255 + 255 * (255 - a)
        let coef1: UInt32 = a * 255 * 255 * 128 / outa255
        let coef2: UInt32 = 255 * 128 - coef1
        let t = c * coef1 + 255 * coef2 + (0x80 << 7)
        // SHIFTFORDIV255(t) >> PRECISION_BITS
        return UInt8(truncatingIfNeeded: ((((t >> 8) + t) >> 8) >> 7))
    }

    /// RGBA (4 bytes per pixel) → RGB composited over white.
    static func rgbaOverWhite(_ rgba: [UInt8], pixelCount: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        rgba.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                for p in 0..<pixelCount {
                    let a = UInt32(src[p * 4 + 3])
                    dst[p * 3] = overWhite(UInt32(src[p * 4]), alpha: a)
                    dst[p * 3 + 1] = overWhite(UInt32(src[p * 4 + 1]), alpha: a)
                    dst[p * 3 + 2] = overWhite(UInt32(src[p * 4 + 2]), alpha: a)
                }
            }
        }
        return rgb
    }

    /// RGBA → RGB, dropping the (opaque filler) alpha byte.
    static func dropAlpha(_ rgba: [UInt8], pixelCount: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        rgba.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                for p in 0..<pixelCount {
                    dst[p * 3] = src[p * 4]
                    dst[p * 3 + 1] = src[p * 4 + 1]
                    dst[p * 3 + 2] = src[p * 4 + 2]
                }
            }
        }
        return rgb
    }
}
