// The in-memory image type shared by PNG I/O, resizing and the vision tokenizer.

/// An 8-bit RGB image: `pixels` is row-major, 3 bytes per pixel (R, G, B), no row padding.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels (≥ 1).
    public let width: Int
    /// Height in pixels (≥ 1).
    public let height: Int
    /// Row-major RGB bytes, `width * height * 3` of them.
    public var pixels: [UInt8]

    /// Wraps a pixel buffer.
    /// - Throws: `ImageIOError.zeroSize` for a non-positive side, `.bufferSizeMismatch` when
    ///   `pixels.count != width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageIOError) {
        guard width > 0, height > 0 else { throw .zeroSize(width: width, height: height) }
        let (area, o1) = width.multipliedReportingOverflow(by: height)
        let (expected, o2) = area.multipliedReportingOverflow(by: 3)
        guard !o1, !o2, pixels.count == expected else {
            throw .bufferSizeMismatch(expected: o1 || o2 ? Int.max : expected, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A solid-colour image (handy for tests and padding).
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) throws(ImageIOError) {
        guard width > 0, height > 0 else { throw .zeroSize(width: width, height: height) }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = red
            pixels[i + 1] = green
            pixels[i + 2] = blue
        }
        try self.init(width: width, height: height, pixels: pixels)
    }
}
