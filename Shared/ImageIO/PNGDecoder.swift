// PNG → RGB8 for untrusted input: every size check from IHDR first, then libpng (via CPNGShim)
// with user limits, then alpha composited over white as the reference processor does (spec §4.1).
import CPNGShim

/// Reading PNG files.
public enum PNGDecoder {
    /// Decodes a PNG to 8-bit RGB.
    ///
    /// Order of checks (RELIABILITY.md §3.3, §6.2): file size; signature and IHDR; zero size;
    /// side limits; pixel and decoded-byte budgets; only then libpng, which also gets
    /// `png_set_user_limits` and the ancillary-chunk limits. Palette, grey, 1/2/4/16-bit,
    /// grey+alpha, RGBA, tRNS and Adam7 are handled. 16-bit samples keep their high byte (as
    /// Pillow reads 16-bit RGB; Pillow clamps 16-bit grey to 255 instead, a quirk we do not copy).
    /// Images with an alpha channel or tRNS are composited over opaque white bit-exactly as
    /// Pillow's `alpha_composite`.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - limits: size limits; `PNGLimits.default` are the service limits.
    /// - Returns: the image in RGB8.
    /// - Throws: `ImageIOError` naming what is wrong.
    public static func decode(_ bytes: [UInt8], limits: PNGLimits = .default) throws(ImageIOError) -> RGBImage {
        let (rgba, header, hadAlpha) = try decodeRGBA(bytes, limits: limits)
        let count = header.width * header.height
        let rgb = hadAlpha ? AlphaComposite.rgbaOverWhite(rgba, pixelCount: count)
            : AlphaComposite.dropAlpha(rgba, pixelCount: count)
        return try RGBImage(width: header.width, height: header.height, pixels: rgb)
    }

    /// Checks everything `decode` checks before decoding, without inflating any pixel data.
    /// - Returns: the parsed IHDR.
    /// - Throws: `ImageIOError`.
    @discardableResult
    public static func validateHeader(_ bytes: [UInt8], limits: PNGLimits = .default) throws(ImageIOError) -> PNGHeader {
        guard bytes.count <= limits.maxFileBytes else {
            throw .fileTooLarge(bytes: bytes.count, limit: limits.maxFileBytes)
        }
        let header = try PNGHeader(bytes)
        let (w, h) = (header.width, header.height)
        guard w > 0, h > 0 else { throw .zeroSize(width: w, height: h) }
        guard w <= limits.maxSide, h <= limits.maxSide else { throw .tooLarge(width: w, height: h, limit: limits.maxSide) }
        guard w >= limits.minSide, h >= limits.minSide else {
            throw .tooSmall(width: w, height: h, minimumSide: limits.minSide)
        }
        // w, h < 2^31 (IHDR is 32-bit and already ≤ maxSide), so these products fit in Int.
        guard w * h <= limits.maxPixels else { throw .tooManyPixels(width: w, height: h, limit: limits.maxPixels) }
        guard w * h * 4 <= limits.maxDecodedBytes else {
            throw .decodedBytesTooLarge(bytes: w * h * 4, limit: limits.maxDecodedBytes)
        }
        return header
    }

    /// Decodes to 8-bit RGBA without compositing.
    /// - Returns: RGBA bytes (4 per pixel), the header, and whether the file had alpha or tRNS.
    /// - Throws: `ImageIOError`.
    public static func decodeRGBA(_ bytes: [UInt8], limits: PNGLimits = .default)
        throws(ImageIOError) -> (rgba: [UInt8], header: PNGHeader, hadAlpha: Bool)
    {
        let header = try validateHeader(bytes, limits: limits)
        var shimLimits = emu3_png_limits(
            max_width: UInt32(clamping: limits.maxSide), max_height: UInt32(clamping: limits.maxSide),
            chunk_cache_max: UInt32(clamping: limits.maxAncillaryChunks),
            chunk_malloc_max: limits.maxAncillaryChunkBytes)
        var rgba = [UInt8](repeating: 0, count: header.width * header.height * 4)
        var hadAlpha: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { src in
            rgba.withUnsafeMutableBufferPointer { dst in
                emu3_png_decode_rgba(
                    src.baseAddress, src.count, &shimLimits, dst.baseAddress, dst.count, &hadAlpha,
                    &message, message.count)
            }
        }
        guard status == EMU3_PNG_OK else { throw ImageIOError(status: status, message: shimMessage(message)) }
        return (rgba, header, hadAlpha != 0)
    }
}
