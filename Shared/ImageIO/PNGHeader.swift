// IHDR facts, read without libpng so that every size check happens before any inflate.
import CPNGShim

/// The fields of a PNG's IHDR chunk.
public struct PNGHeader: Sendable, Equatable {
    /// PNG colour types (PNG spec §11.2.2).
    public enum ColorType: UInt8, Sendable {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6
    }
    public let width: Int
    public let height: Int
    public let bitDepth: Int
    public let colorType: ColorType
    public let interlaced: Bool

    /// Parses IHDR (signature, first chunk, CRC, legal depth/colour combination).
    /// - Throws: `ImageIOError.notPNG`, `.truncated`, `.corrupt`.
    public init(_ bytes: [UInt8]) throws(ImageIOError) {
        var raw = emu3_png_header()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            emu3_png_read_header(buffer.baseAddress, buffer.count, &raw, &message, message.count)
        }
        guard status == EMU3_PNG_OK else {
            if status == EMU3_PNG_NOT_PNG { throw .notPNG(detectedFormat: Self.sniffFormat(bytes)) }
            throw ImageIOError(status: status, message: shimMessage(message))
        }
        guard let colorType = ColorType(rawValue: raw.color_type) else {
            throw .corrupt(detail: "invalid colour type \(raw.color_type) in IHDR")
        }
        let legalDepths: Set<UInt8> =
            switch colorType {
            case .grey: [1, 2, 4, 8, 16]
            case .palette: [1, 2, 4, 8]
            case .rgb, .greyAlpha, .rgba: [8, 16]
            }
        guard legalDepths.contains(raw.bit_depth) else {
            throw .corrupt(detail: "bit depth \(raw.bit_depth) is not allowed for colour type \(raw.color_type)")
        }
        guard raw.interlace <= 1 else { throw .corrupt(detail: "invalid interlace method \(raw.interlace)") }
        width = Int(raw.width)
        height = Int(raw.height)
        bitDepth = Int(raw.bit_depth)
        self.colorType = colorType
        interlaced = raw.interlace == 1
    }

    /// Names a few common non-PNG formats from their magic bytes, for a clearer error.
    static func sniffFormat(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && Array(bytes.prefix(magic.count)) == magic }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG" }
        if starts(Array("GIF8".utf8)) { return "GIF" }
        if starts(Array("BM".utf8)) { return "BMP" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        if bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "WebP"
        }
        if bytes.isEmpty { return "empty file" }
        return nil
    }
}

extension ImageIOError {
    /// Maps a shim status and message to a typed error.
    init(status: emu3_png_status, message: String) {
        switch status {
        case EMU3_PNG_NOT_PNG: self = .notPNG(detectedFormat: nil)
        case EMU3_PNG_TRUNCATED: self = .truncated(detail: message)
        case EMU3_PNG_CORRUPT: self = .corrupt(detail: message)
        case EMU3_PNG_TOO_LARGE: self = .unsupported(detail: "libpng limit: \(message)")
        case EMU3_PNG_NO_MEMORY: self = .outOfMemory
        case EMU3_PNG_BAD_ARGUMENT: self = .internalFailure(detail: "bad argument: \(message)")
        default: self = .internalFailure(detail: message)
        }
    }
}

/// Turns a NUL-terminated message buffer from the shim into a String.
func shimMessage(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
