import Foundation

/// How the two CFG streams are batched. Both give the same tokens (up to float rounding).
public enum CFGBatching: Sendable, Equatable {
    /// Each stream keeps its own cache and positions, no padding (spec §6.6.2). Default.
    case ragged
    /// The reference's way: prompts left-padded to one length with an attention mask and
    /// positions cumsum(mask) − 1 (spec §2.4, §9.24). For parity checks.
    case leftPadded
}

/// One generation job.
public struct GenerationRequest: Sendable, Equatable {
    /// The (conditional) prompt ids; not empty.
    public var prompt: [Int32]
    /// The unconditional CFG stream's prompt; nil = no CFG.
    public var negativePrompt: [Int32]?
    /// Guidance scale s (spec §6.3; 3.0 in the official demos). Finite. 1 disables CFG exactly.
    public var cfgScale: Float
    /// Token choice.
    public var sampling: SamplingParameters
    /// Constrain the output to one image of this many codes (spec §6.2); nil = free text.
    public var layout: ImageLayout?
    /// Cap on new tokens (≥ 1).
    public var maxNewTokens: Int
    /// Extra ids that end generation (after being emitted), besides the model's EOS.
    public var stopIds: [Int32]
    /// How CFG streams are batched.
    public var batching: CFGBatching

    public init(
        prompt: [Int32], negativePrompt: [Int32]? = nil, cfgScale: Float = 1, sampling: SamplingParameters = .greedy,
        layout: ImageLayout? = nil, maxNewTokens: Int, stopIds: [Int32] = [], batching: CFGBatching = .ragged
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.cfgScale = cfgScale
        self.sampling = sampling
        self.layout = layout
        self.maxNewTokens = maxNewTokens
        self.stopIds = stopIds
        self.batching = batching
    }
}

/// Why generation stopped.
public enum FinishReason: String, Sendable, Equatable {
    /// The model emitted an EOS id.
    case eos
    /// `maxNewTokens` reached.
    case maxTokens
    /// The image layout is complete (its final EOS emitted).
    case layoutComplete
    /// One of `stopIds` was emitted.
    case stopId
}

/// A finished generation.
public struct GenerationResult: Sendable, Equatable {
    /// New ids only (the prompt is not repeated); the stopping token included.
    public var ids: [Int32]
    /// Why it stopped.
    public var finishReason: FinishReason
    /// Length of the conditional prompt.
    public var promptTokens: Int
    /// Seconds spent in the first forward pass over the prompt(s).
    public var prefillSeconds: Double
    /// Seconds spent after it.
    public var decodeSeconds: Double
}

/// A progress report, sent after the prefill and after every new token.
public struct GenerationProgress: Sendable, Equatable {
    /// Where the job is.
    public enum Phase: Sendable, Equatable { case prefill, decoding }
    public var phase: Phase
    /// New tokens so far.
    public var tokensDone: Int
    /// New tokens expected: the layout's count (capped by max) for images, else the max.
    public var tokensTotal: Int
    /// The tokens added since the previous report.
    public var newTokens: [Int32]
}

/// Lets another thread stop a running job between steps (cancel or deadline).
/// `@unchecked Sendable`: `cancelled` is protected by `lock`; `deadline` is immutable.
public final class GenerationControl: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false  // protected by lock
    /// When the job must stop (checked between steps); nil = none.
    public let deadline: ContinuousClock.Instant?

    /// Milliseconds to pause before every step: fault injection for tests of cancellation and
    /// crashes mid-job (a tiny model otherwise finishes before anyone can interrupt it); 0 = none.
    public let stepDelayMs: Int

    public init(deadline: ContinuousClock.Instant? = nil, stepDelayMs: Int = 0) {
        self.deadline = deadline
        self.stepDelayMs = stepDelayMs
    }

    /// Asks the job to stop at its next check.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// - Throws: `BackboneError.cancelled` or `.deadlineExceeded`.
    func check(tokensDone: Int) throws(BackboneError) {
        if stepDelayMs > 0 { usleep(UInt32(clamping: stepDelayMs * 1000)) }
        if isCancelled { throw .cancelled(tokensDone: tokensDone) }
        if let deadline, ContinuousClock.now >= deadline { throw .deadlineExceeded(tokensDone: tokensDone) }
    }
}
