// Typed errors of the vision tokenizer engine. Services map them to status codes in one place
// (StatusMapping.swift of the server): input problems → INVALID_ARGUMENT, budgets →
// RESOURCE_EXHAUSTED, model problems → FAILED_PRECONDITION / DATA_LOSS.
import ImageIO
import SafeTensors

/// Why the vision tokenizer refused a model or a request.
public enum VisionTokenizerError: Error, Equatable, Sendable {
    // MARK: Model loading
    /// The model directory (or its config.json) does not exist.
    case modelNotFound(path: String)
    /// config.json / preprocessor_config.json could not be read or parsed.
    case configUnreadable(path: String, reason: String)
    /// A config value is missing or not allowed.
    case configInvalid(key: String, reason: String)
    /// The checkpoint failed validation or lacks/has the wrong tensors.
    case weights(SafeTensorsError)
    /// Checkpoint tensors that the configured model does not use.
    case unexpectedTensors(names: [String])

    // MARK: Requests
    /// The image could not be decoded or encoded.
    case image(ImageIOError)
    /// Without smart resize, both sides must be multiples of the spatial factor.
    case imageSizeNotMultiple(width: Int, height: Int, factor: Int)
    /// max(side)/min(side) above the processor's limit (smart_resize raises the same way).
    case aspectRatioTooLarge(width: Int, height: Int, limit: Double)
    /// An image side below the spatial factor cannot be resized (smart_resize raises).
    case imageTooSmall(width: Int, height: Int, minimumSide: Int)
    /// The image or code grid is above the configured area budget.
    case tooLarge(what: String, value: Int, limit: Int)
    /// The code grid's shape does not match its code count, or a side is not positive.
    case invalidCodeGrid(frames: Int, height: Int, width: Int, count: Int)
    /// A code outside 0 ..< codebookSize.
    case codeOutOfRange(index: Int, value: Int32, codebookSize: Int)
    /// Image decoding takes exactly one latent frame.
    case notASingleFrame(frames: Int)
    /// A video must have a positive multiple of the temporal factor of frames.
    case frameCountNotMultiple(count: Int, factor: Int)
    /// All frames of a video must have the same size.
    case frameSizesDiffer(first: String, other: String, index: Int)
    /// The caller's check (deadline, cancellation) stopped the work between layers.
    case stopped(StopReason)
}

/// Why a caller's `StopCheck` asked the engine to stop.
public enum StopReason: Sendable, Equatable {
    case cancelled
    case deadlineExceeded
}

/// Called between layers; return a reason to abandon the work, nil to go on.
public typealias StopCheck = () -> StopReason?

extension VisionTokenizerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .modelNotFound(let path): "vision tokenizer model not found at \(path)"
        case .configUnreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .configInvalid(let key, let reason): "invalid config value \"\(key)\": \(reason)"
        case .weights(let error): "vision tokenizer weights: \(error)"
        case .unexpectedTensors(let names):
            "checkpoint has \(names.count) tensor(s) the configured model does not use: \(names.prefix(5).joined(separator: ", "))"
        case .image(let error): "\(error)"
        case .imageSizeNotMultiple(let w, let h, let f): "image size \(w)×\(h) is not a multiple of \(f)"
        case .aspectRatioTooLarge(let w, let h, let limit):
            "absurd aspect ratio: \(w)×\(h) (the longer side may be at most \(limit)× the shorter)"
        case .imageTooSmall(let w, let h, let m): "image too small to resize: \(w)×\(h) (each side must be at least \(m))"
        case .tooLarge(let what, let value, let limit): "\(what) too large: \(value) (limit \(limit))"
        case .invalidCodeGrid(let t, let h, let w, let n): "invalid code grid \(t)×\(h)×\(w) with \(n) codes"
        case .codeOutOfRange(let i, let v, let size): "code \(v) at index \(i) is outside the codebook (0..<\(size))"
        case .notASingleFrame(let t): "an image code grid must have 1 frame, got \(t)"
        case .frameCountNotMultiple(let n, let f): "a video needs a positive multiple of \(f) frames, got \(n)"
        case .frameSizesDiffer(let first, let other, let i): "video frame \(i) is \(other), frame 0 is \(first)"
        case .stopped(.cancelled): "cancelled"
        case .stopped(.deadlineExceeded): "deadline exceeded"
        }
    }
}
