// The code grid exchanged with callers (mirrors emu3.v1.CodeGrid; spec §3.1).

/// VQ codes, row-major frames × height × width.
public struct CodeGrid: Sendable, Equatable, Codable {
    /// Latent frames (1 for an image; T/4 for a video of T frames).
    public var frames: Int
    /// Rows (image height / spatial factor).
    public var height: Int
    /// Columns (image width / spatial factor).
    public var width: Int
    /// frames·height·width codes in 0 ..< codebook size.
    public var codes: [Int32]

    public init(frames: Int, height: Int, width: Int, codes: [Int32]) {
        self.frames = frames
        self.height = height
        self.width = width
        self.codes = codes
    }

    /// The code grid as rows of one frame (for JSON output).
    public func rows(frame: Int = 0) -> [[Int32]] {
        (0..<height).map { r in Array(codes[((frame * height + r) * width)..<((frame * height + r + 1) * width)]) }
    }
}

/// Request-size budgets of the engine (the service's RESOURCE_EXHAUSTED limits).
public struct VisionTokenizerLimits: Sendable, Equatable {
    /// Largest code grid per frame, height × width (128 × 128 = a 1024² image at factor 8).
    public var maxCodesPerFrame: Int
    /// Largest number of video frames per request.
    public var maxVideoFrames: Int
    /// Largest total of decoded pixels over a video's PNG frames (checked from IHDR before any
    /// frame is decoded): 64 frames of 512².
    public var maxVideoPixels: Int

    public init(maxCodesPerFrame: Int = 128 * 128, maxVideoFrames: Int = 64, maxVideoPixels: Int = 64 * 512 * 512) {
        self.maxCodesPerFrame = maxCodesPerFrame
        self.maxVideoFrames = maxVideoFrames
        self.maxVideoPixels = maxVideoPixels
    }

    public static let `default` = VisionTokenizerLimits()
}
