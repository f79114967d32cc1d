import Foundation

extension RGBImage {
    /// Peak signal-to-noise ratio against an image of the same size, in dB over the 8-bit
    /// channels; `.infinity` when the pixels are identical.
    public func psnr(against other: RGBImage) -> Double {
        precondition(width == other.width && height == other.height, "PSNR needs images of the same size")
        var sum = 0.0
        for (x, y) in zip(pixels, other.pixels) { let d = Double(x) - Double(y); sum += d * d }
        let mse = sum / Double(pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
