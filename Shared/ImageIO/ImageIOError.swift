// Typed errors for PNG input and output (RELIABILITY.md §3.3, §6.2, test plan D).

/// Why an image could not be read or written. Every case carries the facts a caller needs to
/// build a precise INVALID_ARGUMENT message; none of them means the process is in trouble.
public enum ImageIOError: Error, Equatable, Sendable {
    /// The bytes are not a PNG; `detectedFormat` names a recognised other format ("JPEG", "GIF", ...).
    case notPNG(detectedFormat: String?)
    /// The file is bigger than the byte budget (checked before anything is parsed).
    case fileTooLarge(bytes: Int, limit: Int)
    /// The data ended before the image did.
    case truncated(detail: String)
    /// libpng rejected the data: bad CRC, bad chunk order, bad zlib stream, invalid IHDR fields.
    case corrupt(detail: String)
    /// IHDR declares a zero width or height.
    case zeroSize(width: Int, height: Int)
    /// A side is below the minimum (the vLLM 1×1 lesson, RELIABILITY.md §3.3).
    case tooSmall(width: Int, height: Int, minimumSide: Int)
    /// A side is above the maximum; checked from IHDR before any pixel is inflated.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// width × height is above the pixel budget.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The decoded buffer would exceed the byte budget.
    case decodedBytesTooLarge(bytes: Int, limit: Int)
    /// A valid PNG feature we do not handle.
    case unsupported(detail: String)
    /// A text chunk key or value that PNG cannot carry.
    case invalidText(key: String, reason: String)
    /// Pixel buffer length does not match width × height × channels.
    case bufferSizeMismatch(expected: Int, actual: Int)
    /// An allocation inside libpng or the shim failed.
    case outOfMemory
    /// Anything the shim could not classify (a bug, not bad input).
    case internalFailure(detail: String)
}

extension ImageIOError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notPNG(let format?): "unsupported image format: \(format) (only PNG is accepted)"
        case .notPNG(nil): "unsupported image format: not a PNG (missing PNG signature)"
        case .fileTooLarge(let bytes, let limit): "image file too large: \(bytes) bytes (limit \(limit))"
        case .truncated(let detail): "truncated PNG: \(detail)"
        case .corrupt(let detail): "corrupt PNG: \(detail)"
        case .zeroSize(let w, let h): "image has zero size: \(w)×\(h)"
        case .tooSmall(let w, let h, let minimum): "image too small: \(w)×\(h) (each side must be at least \(minimum))"
        case .tooLarge(let w, let h, let limit): "image too large: \(w)×\(h) (each side must be at most \(limit))"
        case .tooManyPixels(let w, let h, let limit): "image too large: \(w)×\(h) = \(w * h) pixels (limit \(limit))"
        case .decodedBytesTooLarge(let bytes, let limit): "image too large: \(bytes) decoded bytes (limit \(limit))"
        case .unsupported(let detail): "unsupported PNG: \(detail)"
        case .invalidText(let key, let reason): "invalid PNG text chunk \"\(key)\": \(reason)"
        case .bufferSizeMismatch(let expected, let actual): "pixel buffer has \(actual) bytes, expected \(expected)"
        case .outOfMemory: "out of memory while processing the PNG"
        case .internalFailure(let detail): "internal PNG error: \(detail)"
        }
    }
}
