// Size limits for untrusted PNG input (RELIABILITY.md §6.2; each is tested at the limit and one past it).

/// Bounds checked before a PNG is decoded. The defaults are the service defaults of
/// RELIABILITY.md §6.2: files up to 16 MiB, sides 16…4096, at most 4096² pixels and 64 MiB decoded.
public struct PNGLimits: Sendable, Equatable {
    /// Largest accepted file, in bytes; checked before parsing.
    public var maxFileBytes: Int
    /// Smallest accepted width or height.
    public var minSide: Int
    /// Largest accepted width or height; also handed to `png_set_user_limits`.
    public var maxSide: Int
    /// Largest accepted width × height.
    public var maxPixels: Int
    /// Largest decoded buffer (8-bit RGBA, 4 bytes per pixel) in bytes; checked from IHDR.
    public var maxDecodedBytes: Int
    /// `png_set_chunk_cache_max`: how many ancillary chunks libpng may keep.
    public var maxAncillaryChunks: Int
    /// `png_set_chunk_malloc_max`: the largest ancillary chunk libpng may allocate, in bytes.
    public var maxAncillaryChunkBytes: Int

    /// Creates limits; every parameter defaults to the service default.
    public init(
        maxFileBytes: Int = 16 << 20, minSide: Int = 16, maxSide: Int = 4096, maxPixels: Int = 4096 * 4096,
        maxDecodedBytes: Int = 64 << 20, maxAncillaryChunks: Int = 256, maxAncillaryChunkBytes: Int = 1 << 20
    ) {
        self.maxFileBytes = maxFileBytes
        self.minSide = minSide
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.maxDecodedBytes = maxDecodedBytes
        self.maxAncillaryChunks = maxAncillaryChunks
        self.maxAncillaryChunkBytes = maxAncillaryChunkBytes
    }

    /// The service defaults (RELIABILITY.md §6.2).
    public static let `default` = PNGLimits()
}
