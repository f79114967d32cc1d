// Image → encoder pixels and decoder pixels → image, as the reference processor
// (transformers Emu3ImageProcessor with the shipped preprocessor_config; spec §4.1, §4.2).
import Foundation
import ImageIO

/// A 3-channel float image, [3, H, W] row-major (R, G, B planes), as fed to or produced by the VQ.
public struct ImagePixels: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 3·H·W values; encoder input is in [−1, 1], decoder output approximately so.
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && values.count == 3 * width * height, "pixel buffer size")
        self.width = width
        self.height = height
        self.values = values
    }
}

/// smart_resize and normalisation.
public enum ImageProcessing {
    /// Target (height, width) of transformers' `smart_resize` (spec §4.1 step 2): sides snapped
    /// to multiples of `factor` with Python's round-half-to-even, area kept within
    /// [minPixels, maxPixels]. Computed in Double as Python does.
    /// - Throws: `.aspectRatioTooLarge` above `maxAspectRatio`.
    public static func smartResize(
        height: Int, width: Int, factor: Int, minPixels: Int, maxPixels: Int, maxAspectRatio: Double
    ) throws(VisionTokenizerError) -> (height: Int, width: Int) {
        guard height > 0, width > 0 else { throw .imageTooSmall(width: width, height: height, minimumSide: 1) }
        let h = Double(height), w = Double(width), f = Double(factor)
        guard max(h, w) / min(h, w) <= maxAspectRatio else {
            throw .aspectRatioTooLarge(width: width, height: height, limit: maxAspectRatio)
        }
        // Python round() on floats is round-half-to-even (76.5 → 76); Swift's .rounded() is not.
        var hBar = Int((h / f).rounded(.toNearestOrEven)) * factor
        var wBar = Int((w / f).rounded(.toNearestOrEven)) * factor
        if hBar * wBar > maxPixels {
            let beta = ((h * w) / Double(maxPixels)).squareRoot()
            hBar = max(factor, Int((h / beta / f).rounded(.down)) * factor)
            wBar = max(factor, Int((w / beta / f).rounded(.down)) * factor)
        } else if hBar * wBar < minPixels {
            let beta = (Double(minPixels) / (h * w)).squareRoot()
            hBar = Int((h * beta / f).rounded(.up)) * factor
            wBar = Int((w * beta / f).rounded(.up)) * factor
        }
        return (hBar, wBar)
    }

    /// x = Float(p · rescale) (computed in Double, as NumPy), then (x − mean)/std in Float.
    static func normalizationTable(_ p: ImageProcessorConfiguration) -> [[Float]] {
        (0..<3).map { c in
            let mean = Float(p.mean[c]), std = Float(p.std[c])
            return (0..<256).map { v in (Float(Double(v) * p.rescaleFactor) - mean) / std }
        }
    }

    /// RGB8 → [3, H, W] normalised pixels.
    static func normalize(_ image: RGBImage, table: [[Float]]) -> ImagePixels {
        let n = image.width * image.height
        var values = [Float](repeating: 0, count: 3 * n)
        image.pixels.withUnsafeBufferPointer { src in
            for i in 0..<n {
                values[i] = table[0][Int(src[3 * i])]
                values[n + i] = table[1][Int(src[3 * i + 1])]
                values[2 * n + i] = table[2][Int(src[3 * i + 2])]
            }
        }
        return ImagePixels(width: image.width, height: image.height, values: values)
    }

    /// Decoder output → RGB8 (spec §4.2): unnormalise ((y − (−m/s)) / (1/s) in Float), scale by
    /// 1/rescale (in Double, then Float, as NumPy), clip to [0, 255], truncate.
    public static func toRGB8(_ pixels: ImagePixels, processor p: ImageProcessorConfiguration) -> RGBImage {
        let n = pixels.width * pixels.height
        let scale = 1.0 / p.rescaleFactor
        var rgb = [UInt8](repeating: 0, count: 3 * n)
        for c in 0..<3 {
            let revMean = Float(-p.mean[c] / p.std[c]), revStd = Float(1.0 / p.std[c])
            for i in 0..<n {
                let unit = (pixels.values[c * n + i] - revMean) / revStd
                let v = Float(Double(unit) * scale)
                let clipped = v.isNaN ? 0 : min(255, max(0, v))
                rgb[3 * i + c] = UInt8(clipped)  // truncation toward zero, as astype(uint8)
            }
        }
        // The buffer size is 3·W·H by construction.
        return try! RGBImage(width: pixels.width, height: pixels.height, pixels: rgb)
    }
}
