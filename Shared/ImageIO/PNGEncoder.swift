// RGB8 → PNG with text chunks saying what made the file (issue 5: "Output PNGs carry a tEXt chunk").
import CPNGShim

/// One text chunk for an output PNG.
public struct PNGTextEntry: Sendable, Equatable {
    /// 1–79 printable Latin-1 characters, no leading, trailing or double spaces (PNG spec §11.3.4.3).
    public var key: String
    /// Any text without NUL; written as tEXt when it is Latin-1, else as uncompressed UTF-8 iTXt.
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Writing PNG files.
public enum PNGEncoder {
    /// Encodes an RGB8 image as a non-interlaced 8-bit RGB PNG.
    /// - Parameters:
    ///   - image: the pixels.
    ///   - text: text chunks, written before the image data in the given order.
    ///   - compressionLevel: zlib level 0…9.
    /// - Returns: the PNG file bytes.
    /// - Throws: `ImageIOError.invalidText` for a key or value PNG cannot carry, `.outOfMemory`.
    public static func encode(_ image: RGBImage, text: [PNGTextEntry] = [], compressionLevel: Int = 6)
        throws(ImageIOError) -> [UInt8]
    {
        var prepared: [(key: [CChar], value: [CChar], utf8: Bool)] = []
        for entry in text { prepared.append(try prepare(entry)) }
        var message = [CChar](repeating: 0, count: 512)
        var out: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let status = withTextArray(prepared) { texts in
            image.pixels.withUnsafeBufferPointer { rgb in
                emu3_png_encode_rgb(
                    rgb.baseAddress, UInt32(image.width), UInt32(image.height), texts.baseAddress,
                    Int32(texts.count), Int32(max(0, min(9, compressionLevel))), &out, &length, &message,
                    message.count)
            }
        }
        guard status == EMU3_PNG_OK, let out else { throw ImageIOError(status: status, message: shimMessage(message)) }
        defer { emu3_png_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }

    /// Validates one entry and converts it to NUL-terminated C strings.
    static func prepare(_ entry: PNGTextEntry) throws(ImageIOError) -> (key: [CChar], value: [CChar], utf8: Bool) {
        let scalars = Array(entry.key.unicodeScalars)
        guard (1...79).contains(scalars.count) else {
            throw .invalidText(key: entry.key, reason: "key must be 1-79 characters")
        }
        guard scalars.allSatisfy({ (32...126).contains($0.value) || (161...255).contains($0.value) }) else {
            throw .invalidText(key: entry.key, reason: "key must be printable Latin-1")
        }
        guard scalars.first != " ", scalars.last != " ", !entry.key.contains("  ") else {
            throw .invalidText(key: entry.key, reason: "key must not have leading, trailing or double spaces")
        }
        guard !entry.value.unicodeScalars.contains("\0") else {
            throw .invalidText(key: entry.key, reason: "value must not contain NUL")
        }
        let key = scalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]
        let latin1 = entry.value.unicodeScalars.allSatisfy { $0.value <= 255 }
        let value: [CChar] =
            latin1
            ? entry.value.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]
            : entry.value.utf8.map { CChar(bitPattern: $0) } + [0]
        return (key, value, !latin1)
    }

    /// Calls `body` with an `emu3_png_text` array whose pointers stay valid for the call.
    private static func withTextArray<R>(
        _ prepared: [(key: [CChar], value: [CChar], utf8: Bool)], _ body: (UnsafeBufferPointer<emu3_png_text>) -> R
    ) -> R {
        // Copy the strings into one arena so each pointer outlives the call without nesting closures.
        let arenaSize = prepared.reduce(0) { $0 + $1.key.count + $1.value.count }
        let arena = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, arenaSize))
        defer { arena.deallocate() }
        var texts: [emu3_png_text] = []
        var offset = 0
        for item in prepared {
            let keyPointer = arena + offset
            keyPointer.update(from: item.key, count: item.key.count)
            offset += item.key.count
            let valuePointer = arena + offset
            valuePointer.update(from: item.value, count: item.value.count)
            offset += item.value.count
            texts.append(emu3_png_text(key: keyPointer, value: valuePointer, utf8: item.utf8 ? 1 : 0))
        }
        return texts.withUnsafeBufferPointer(body)
    }
}

/// Versions of the libpng in use (for Health details; RELIABILITY.md test D8).
public enum LibPNGVersion {
    /// The run-time library version, from `png_get_libpng_ver` (e.g. "1.6.39").
    public static var runtime: String { String(cString: emu3_png_libpng_version()) }
    /// The version of the headers the shim was built against.
    public static var headers: String { String(cString: emu3_png_header_version()) }
}
