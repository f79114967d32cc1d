// Public API of the vision tokenizer engine: images and videos ⇄ VQ code grids (spec §3, §4).
// No sockets, no protos: the service handlers and the orchestrator call this directly.
import Foundation
import ImageIO
import Logging
import SafeTensors
import Tensor

/// Emu3's vision tokenizer: loads a VQ checkpoint once, then encodes and decodes.
///
/// Thread-safe: the weights are immutable and every call owns its activations, so calls may
/// run concurrently (each uses OpenBLAS with its configured thread count).
public final class VisionTokenizer: Sendable {
    /// The model's structure.
    public let configuration: VQConfiguration
    /// The naming scheme the checkpoint's config used.
    public let naming: VQConfiguration.Naming
    /// Image pre/post-processing settings.
    public let processor: ImageProcessorConfiguration
    /// Request budgets.
    public let limits: VisionTokenizerLimits
    let model: VQModel
    let normalization: [[Float]]

    /// Loads `directory/config.json` (any of the three forms, see `VQConfiguration.load`),
    /// `directory/preprocessor_config.json` when present, and the checkpoint
    /// (`model.safetensors` or a sharded `model.safetensors.index.json`; VQ tensors may sit
    /// under `vqmodel.` / `model.vqmodel.` in a combined checkpoint).
    /// - Throws: `VisionTokenizerError.modelNotFound`, `.configUnreadable`, `.configInvalid`,
    ///   `.weights`, `.unexpectedTensors`.
    public convenience init(
        modelDirectory: URL, limits: VisionTokenizerLimits = .default, logger: Logger? = nil
    ) throws(VisionTokenizerError) {
        let configURL = modelDirectory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else { throw .modelNotFound(path: modelDirectory.path) }
        let (configuration, naming) = try VQConfiguration.load(contentsOf: configURL)
        let processorURL = modelDirectory.appendingPathComponent("preprocessor_config.json")
        let processor =
            FileManager.default.fileExists(atPath: processorURL.path)
            ? try ImageProcessorConfiguration.load(contentsOf: processorURL) : .default
        let checkpoint: SafeTensorsCheckpoint
        do { checkpoint = try SafeTensorsCheckpoint(directory: modelDirectory) } catch { throw .weights(error) }
        try self.init(configuration: configuration, naming: naming, weights: checkpoint, processor: processor, limits: limits)
        logger?.debug(
            "vision tokenizer loaded",
            metadata: ["model.path": "\(modelDirectory.path)", "model.naming": "\(naming.rawValue)",
                       "model.codebook": "\(configuration.codebookSize)"])
    }

    /// Builds the model from an open checkpoint (weights are copied; the store may be closed after).
    /// - Throws: `.configInvalid`, `.weights`, `.unexpectedTensors`.
    public init(
        configuration: VQConfiguration, naming: VQConfiguration.Naming = .transformers, weights: any SafeTensorsStore,
        processor: ImageProcessorConfiguration = .default, limits: VisionTokenizerLimits = .default
    ) throws(VisionTokenizerError) {
        try processor.validate()
        self.configuration = configuration
        self.naming = naming
        self.processor = processor
        self.limits = limits
        model = try VQModel(configuration: configuration, store: weights)
        normalization = ImageProcessing.normalizationTable(processor)
    }

    // MARK: - Images

    /// Decodes a PNG (limits checked from IHDR first) and encodes it; see `encodeImage(_:smartResize:check:)`.
    public func encodeImage(
        png: [UInt8], smartResize: Bool = true, pngLimits: PNGLimits = .default, check: StopCheck? = nil
    ) throws(VisionTokenizerError) -> (codes: CodeGrid, width: Int, height: Int) {
        let image: RGBImage
        do { image = try PNGDecoder.decode(png, limits: pngLimits) } catch { throw .image(error) }
        return try encodeImage(image, smartResize: smartResize, check: check)
    }

    /// Encodes an RGB image to one frame of codes.
    /// - Parameters:
    ///   - smartResize: true (the understanding path): resize as the reference processor;
    ///     false: the image must already be a multiple of the spatial factor.
    /// - Returns: the codes and the size of the image that was encoded.
    /// - Throws: `.aspectRatioTooLarge`, `.imageSizeNotMultiple`, `.tooLarge`, `.stopped`.
    public func encodeImage(_ image: RGBImage, smartResize: Bool = true, check: StopCheck? = nil)
        throws(VisionTokenizerError) -> (codes: CodeGrid, width: Int, height: Int)
    {
        let pixels = try preprocess(image, smartResize: smartResize)
        return (try encode(pixels: pixels, check: check), pixels.width, pixels.height)
    }

    /// The encoder input for an image: alpha already composited (PNGDecoder), smart_resize with
    /// Pillow-exact bicubic when asked, then (x/255 − mean)/std.
    public func preprocess(_ image: RGBImage, smartResize: Bool = true) throws(VisionTokenizerError) -> ImagePixels {
        var image = image
        if smartResize {
            let target = try ImageProcessing.smartResize(
                height: image.height, width: image.width, factor: processor.spatialFactor, minPixels: processor.minPixels,
                maxPixels: processor.maxPixels, maxAspectRatio: processor.maxAspectRatio)
            if target.height != image.height || target.width != image.width {
                do { image = try BicubicResize.resize(image, width: target.width, height: target.height) } catch {
                    throw .image(error)
                }
            }
        }
        return ImageProcessing.normalize(image, table: normalization)
    }

    /// Encodes normalised pixels [3, H, W] (H, W multiples of the spatial factor) as an image:
    /// the 2-D encoder runs once and its output is repeated over the temporal factor (exact, §3.5).
    public func encode(pixels: ImagePixels, check: StopCheck? = nil) throws(VisionTokenizerError) -> CodeGrid {
        try checkEncodable(width: pixels.width, height: pixels.height)
        let frame = FeatureMap(channels: 3, height: pixels.height, width: pixels.width, data: pixels.values)
        let frames = [FeatureMap](repeating: frame, count: configuration.temporalFactor)
        let result = try model.encode(frames, identicalFrames: true, check: stopper(check))
        return CodeGrid(frames: result.frames, height: result.height, width: result.width, codes: result.codes)
    }

    /// Decodes one frame of codes to pixels [3, 8h, 8w] (frame 0 of the decoder's output, spec §3.5).
    /// - Throws: `.notASingleFrame`, `.invalidCodeGrid`, `.codeOutOfRange`, `.tooLarge`, `.stopped`.
    public func decodePixels(_ codes: CodeGrid, check: StopCheck? = nil) throws(VisionTokenizerError) -> ImagePixels {
        guard codes.frames == 1 else { throw .notASingleFrame(frames: codes.frames) }
        try validate(codes)
        let out = try model.decode(
            codes.codes, frames: 1, height: codes.height, width: codes.width, outputFrames: 0..<1, check: stopper(check))
        return ImagePixels(width: out[0].width, height: out[0].height, values: out[0].data)
    }

    /// Decodes one frame of codes to an RGB8 image (spec §4.2: truncation, not rounding).
    public func decodeImage(_ codes: CodeGrid, check: StopCheck? = nil) throws(VisionTokenizerError) -> RGBImage {
        ImageProcessing.toRGB8(try decodePixels(codes, check: check), processor: processor)
    }

    /// Decodes one frame of codes to PNG bytes carrying `text` chunks.
    public func decodeImagePNG(_ codes: CodeGrid, text: [PNGTextEntry] = [], check: StopCheck? = nil)
        throws(VisionTokenizerError) -> [UInt8]
    {
        let image = try decodeImage(codes, check: check)
        do { return try PNGEncoder.encode(image, text: text) } catch { throw .image(error) }
    }

    // MARK: - Video

    /// Encodes a clip (a positive multiple of the temporal factor of same-size frames) to
    /// T/f frames of codes. The temporal layers see the whole clip, as the reference does.
    /// - Parameter smartResize: resize every frame as an image would be (same target for all);
    ///   false (default): frames must already be multiples of the spatial factor.
    public func encodeVideo(_ frames: [RGBImage], smartResize: Bool = false, check: StopCheck? = nil)
        throws(VisionTokenizerError) -> CodeGrid
    {
        guard let first = frames.first, frames.count % configuration.temporalFactor == 0 else {
            throw .frameCountNotMultiple(count: frames.count, factor: configuration.temporalFactor)
        }
        guard frames.count <= limits.maxVideoFrames else {
            throw .tooLarge(what: "video frame count", value: frames.count, limit: limits.maxVideoFrames)
        }
        for (i, frame) in frames.enumerated() where frame.width != first.width || frame.height != first.height {
            throw .frameSizesDiffer(first: "\(first.width)×\(first.height)", other: "\(frame.width)×\(frame.height)", index: i)
        }
        var pixels: [ImagePixels] = []
        for frame in frames { pixels.append(try preprocess(frame, smartResize: smartResize)) }
        return try encodeVideo(pixels: pixels, check: check)
    }

    /// Encodes a clip given as PNG files. Every header is checked (PNG limits, frame count,
    /// total pixel budget) before any frame is decoded.
    public func encodeVideo(
        pngFrames: [[UInt8]], smartResize: Bool = false, pngLimits: PNGLimits = .default, check: StopCheck? = nil
    ) throws(VisionTokenizerError) -> CodeGrid {
        guard !pngFrames.isEmpty, pngFrames.count % configuration.temporalFactor == 0 else {
            throw .frameCountNotMultiple(count: pngFrames.count, factor: configuration.temporalFactor)
        }
        guard pngFrames.count <= limits.maxVideoFrames else {
            throw .tooLarge(what: "video frame count", value: pngFrames.count, limit: limits.maxVideoFrames)
        }
        var total = 0
        for png in pngFrames {
            let header: PNGHeader
            do { header = try PNGDecoder.validateHeader(png, limits: pngLimits) } catch { throw .image(error) }
            total += header.width * header.height
        }
        guard total <= limits.maxVideoPixels else {
            throw .tooLarge(what: "video pixels", value: total, limit: limits.maxVideoPixels)
        }
        var frames: [RGBImage] = []
        for png in pngFrames {
            do { frames.append(try PNGDecoder.decode(png, limits: pngLimits)) } catch { throw .image(error) }
        }
        return try encodeVideo(frames, smartResize: smartResize, check: check)
    }

    /// Encodes normalised frames [3, H, W] (see `encodeVideo(_:smartResize:check:)`).
    public func encodeVideo(pixels: [ImagePixels], check: StopCheck? = nil) throws(VisionTokenizerError) -> CodeGrid {
        guard let first = pixels.first, pixels.count % configuration.temporalFactor == 0 else {
            throw .frameCountNotMultiple(count: pixels.count, factor: configuration.temporalFactor)
        }
        guard pixels.count <= limits.maxVideoFrames else {
            throw .tooLarge(what: "video frame count", value: pixels.count, limit: limits.maxVideoFrames)
        }
        try checkEncodable(width: first.width, height: first.height)
        for (i, frame) in pixels.enumerated() where frame.width != first.width || frame.height != first.height {
            throw .frameSizesDiffer(first: "\(first.width)×\(first.height)", other: "\(frame.width)×\(frame.height)", index: i)
        }
        let frames = pixels.map { FeatureMap(channels: 3, height: $0.height, width: $0.width, data: $0.values) }
        let result = try model.encode(frames, identicalFrames: false, check: stopper(check))
        return CodeGrid(frames: result.frames, height: result.height, width: result.width, codes: result.codes)
    }

    /// Decodes t frames of codes to t·f frames of pixels [3, H, W].
    public func decodeVideoPixels(_ codes: CodeGrid, check: StopCheck? = nil) throws(VisionTokenizerError) -> [ImagePixels] {
        try validate(codes)
        let total = codes.frames * configuration.temporalFactor
        guard total <= limits.maxVideoFrames else {
            throw .tooLarge(what: "video frame count", value: total, limit: limits.maxVideoFrames)
        }
        let out = try model.decode(
            codes.codes, frames: codes.frames, height: codes.height, width: codes.width, outputFrames: 0..<total,
            check: stopper(check))
        return out.map { ImagePixels(width: $0.width, height: $0.height, values: $0.data) }
    }

    /// Decodes t frames of codes to t·f RGB8 frames.
    public func decodeVideo(_ codes: CodeGrid, check: StopCheck? = nil) throws(VisionTokenizerError) -> [RGBImage] {
        try decodeVideoPixels(codes, check: check).map { ImageProcessing.toRGB8($0, processor: processor) }
    }

    /// Decodes t frames of codes to t·f PNG files carrying `text` chunks.
    public func decodeVideoPNG(_ codes: CodeGrid, text: [PNGTextEntry] = [], check: StopCheck? = nil)
        throws(VisionTokenizerError) -> [[UInt8]]
    {
        var out: [[UInt8]] = []
        for frame in try decodeVideo(codes, check: check) {
            do { out.append(try PNGEncoder.encode(frame, text: text)) } catch { throw .image(error) }
        }
        return out
    }

    // MARK: - Compute threads

    /// Threads OpenBLAS uses for the convolutions (process-wide).
    public static var computeThreads: Int { ConvGEMM.threadCount }

    /// Sets the OpenBLAS thread count (process-wide; call once at start, e.g. from `--threads`).
    public static func setComputeThreads(_ count: Int) { ConvGEMM.setThreadCount(count) }

    // MARK: - Checks

    /// Shape, size budget and code range of a grid.
    public func validate(_ grid: CodeGrid) throws(VisionTokenizerError) {
        let (t, h, w) = (grid.frames, grid.height, grid.width)
        guard t >= 1, h >= 1, w >= 1 else { throw .invalidCodeGrid(frames: t, height: h, width: w, count: grid.codes.count) }
        let (area, overflow) = h.multipliedReportingOverflow(by: w)
        guard !overflow, area <= limits.maxCodesPerFrame else {
            throw .tooLarge(what: "code grid", value: overflow ? Int.max : area, limit: limits.maxCodesPerFrame)
        }
        guard t <= limits.maxVideoFrames else { throw .tooLarge(what: "code frames", value: t, limit: limits.maxVideoFrames) }
        guard t * area == grid.codes.count else {
            throw .invalidCodeGrid(frames: t, height: h, width: w, count: grid.codes.count)
        }
        for (i, code) in grid.codes.enumerated() where code < 0 || Int(code) >= configuration.codebookSize {
            throw .codeOutOfRange(index: i, value: code, codebookSize: configuration.codebookSize)
        }
    }

    func checkEncodable(width: Int, height: Int) throws(VisionTokenizerError) {
        let f = configuration.spatialFactor
        guard width % f == 0, height % f == 0, width > 0, height > 0 else {
            throw .imageSizeNotMultiple(width: width, height: height, factor: f)
        }
        let codes = (width / f) * (height / f)
        guard codes <= limits.maxCodesPerFrame else {
            throw .tooLarge(what: "image (codes per frame)", value: codes, limit: limits.maxCodesPerFrame)
        }
    }

    func stopper(_ check: StopCheck?) -> () throws(VisionTokenizerError) -> Void {
        { () throws(VisionTokenizerError) in
            if let reason = check?() { throw .stopped(reason) }
        }
    }
}
