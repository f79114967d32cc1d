// Swift values for proto/emu3/v1/backbone.proto: the backbone service (generation, progress, cancel, scoring).
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

public struct SamplingParams: ProtoMessage {
    /// argmax; the other fields are ignored
    public var greedy: Bool = false
    /// > 0; 1.0 = unchanged
    public var temperature: Float = 0
    /// >= 1 when set; 0 = unset (no top-k filter)
    public var topK: Int32 = 0
    /// (0, 1]; 0 = unset (1.0)
    public var topP: Float = 0
    /// classifier-free guidance; used when negative_prompt_ids is set
    public var cfgScale: Float = 0
    public var seed: UInt64 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        greedy: Bool = false,
        temperature: Float = 0,
        topK: Int32 = 0,
        topP: Float = 0,
        cfgScale: Float = 0,
        seed: UInt64 = 0
    ) {
        self.greedy = greedy
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.cfgScale = cfgScale
        self.seed = seed
    }
}

/// Constrains generation to one image of `height` × `width` codes (spec §6.2).
public struct ImageLayout: ProtoMessage {
    public var height: Int32 = 0
    public var width: Int32 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(height: Int32 = 0, width: Int32 = 0) {
        self.height = height
        self.width = width
    }
}

public struct GenerateRequest: ProtoMessage {
    public var promptIds: [Int32] = []
    /// the unconditional CFG stream; empty = no CFG
    public var negativePromptIds: [Int32] = []
    public var sampling: SamplingParams? = nil
    /// absent = free text generation
    public var layout: ImageLayout? = nil
    public var maxNewTokens: Int32 = 0
    /// in addition to the model's EOS
    public var stopIds: [Int32] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        promptIds: [Int32] = [],
        negativePromptIds: [Int32] = [],
        sampling: SamplingParams? = nil,
        layout: ImageLayout? = nil,
        maxNewTokens: Int32 = 0,
        stopIds: [Int32] = []
    ) {
        self.promptIds = promptIds
        self.negativePromptIds = negativePromptIds
        self.sampling = sampling
        self.layout = layout
        self.maxNewTokens = maxNewTokens
        self.stopIds = stopIds
    }
}

public struct GenerateResponse: ProtoMessage {
    /// generated ids only (the prompt is not repeated)
    public var ids: [Int32] = []
    public var finishReason: FinishReason = .unspecified
    public var promptTokens: Int32 = 0
    public var prefillMs: Int64 = 0
    public var decodeMs: Int64 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        ids: [Int32] = [],
        finishReason: FinishReason = .unspecified,
        promptTokens: Int32 = 0,
        prefillMs: Int64 = 0,
        decodeMs: Int64 = 0
    ) {
        self.ids = ids
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.prefillMs = prefillMs
        self.decodeMs = decodeMs
    }
}

extension GenerateResponse {
    public enum FinishReason: Sendable, Hashable, RawRepresentable {
        /// `FINISH_REASON_UNSPECIFIED` = 0
        case unspecified
        /// `FINISH_REASON_EOS` = 1
        case eos
        /// `FINISH_REASON_MAX_TOKENS` = 2
        case maxTokens
        /// `FINISH_REASON_LAYOUT_COMPLETE` = 3
        case layoutComplete
        /// `FINISH_REASON_STOP_ID` = 4
        case stopId
        /// A value this build does not know (from a newer peer); kept so that it round-trips.
        case unrecognized(Int32)

        /// The case for a wire value; unknown values become `.unrecognized`.
        public init(rawValue: Int32) {
            switch rawValue {
            case 0: self = .unspecified
            case 1: self = .eos
            case 2: self = .maxTokens
            case 3: self = .layoutComplete
            case 4: self = .stopId
            default: self = .unrecognized(rawValue)
            }
        }

        /// The wire value.
        public var rawValue: Int32 {
            switch self {
            case .unspecified: 0
            case .eos: 1
            case .maxTokens: 2
            case .layoutComplete: 3
            case .stopId: 4
            case .unrecognized(let value): value
            }
        }

        // Equality by wire value, so `.unrecognized(1)` equals the case it names.
        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }
}

/// Polls a running Generate by its request_id. `from_token` lets a client stream: the reply
/// carries the ids generated at positions >= from_token.
public struct ProgressRequest: ProtoMessage {
    public var requestId: String = ""
    public var fromToken: Int32 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(requestId: String = "", fromToken: Int32 = 0) {
        self.requestId = requestId
        self.fromToken = fromToken
    }
}

public struct ProgressResponse: ProtoMessage {
    public var state: State = .unspecified
    public var tokensDone: Int32 = 0
    /// known for image layouts; max_new_tokens otherwise
    public var tokensTotal: Int32 = 0
    public var newIds: [Int32] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        state: State = .unspecified,
        tokensDone: Int32 = 0,
        tokensTotal: Int32 = 0,
        newIds: [Int32] = []
    ) {
        self.state = state
        self.tokensDone = tokensDone
        self.tokensTotal = tokensTotal
        self.newIds = newIds
    }
}

extension ProgressResponse {
    public enum State: Sendable, Hashable, RawRepresentable {
        /// `STATE_UNSPECIFIED` = 0
        case unspecified
        /// `STATE_QUEUED` = 1
        case queued
        /// `STATE_PREFILL` = 2
        case prefill
        /// `STATE_DECODING` = 3
        case decoding
        /// `STATE_DONE` = 4
        case done
        /// `STATE_CANCELLED` = 5
        case cancelled
        /// `STATE_FAILED` = 6
        case failed
        /// A value this build does not know (from a newer peer); kept so that it round-trips.
        case unrecognized(Int32)

        /// The case for a wire value; unknown values become `.unrecognized`.
        public init(rawValue: Int32) {
            switch rawValue {
            case 0: self = .unspecified
            case 1: self = .queued
            case 2: self = .prefill
            case 3: self = .decoding
            case 4: self = .done
            case 5: self = .cancelled
            case 6: self = .failed
            default: self = .unrecognized(rawValue)
            }
        }

        /// The wire value.
        public var rawValue: Int32 {
            switch self {
            case .unspecified: 0
            case .queued: 1
            case .prefill: 2
            case .decoding: 3
            case .done: 4
            case .cancelled: 5
            case .failed: 6
            case .unrecognized(let value): value
            }
        }

        // Equality by wire value, so `.unrecognized(1)` equals the case it names.
        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }
}

public struct CancelRequest: ProtoMessage {
    public var requestId: String = ""

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(requestId: String = "") {
        self.requestId = requestId
    }
}

public struct CancelResponse: ProtoMessage {
    public var found: Bool = false

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(found: Bool = false) {
        self.found = found
    }
}

/// Per-token log-probabilities of `continuation_ids` given `context_ids`.
public struct ScoreItem: ProtoMessage {
    public var contextIds: [Int32] = []
    public var continuationIds: [Int32] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(contextIds: [Int32] = [], continuationIds: [Int32] = []) {
        self.contextIds = contextIds
        self.continuationIds = continuationIds
    }
}

public struct ScoreRequest: ProtoMessage {
    public var items: [ScoreItem] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(items: [ScoreItem] = []) {
        self.items = items
    }
}

public struct TokenLogProbs: ProtoMessage {
    public var logprobs: [Float] = []
    public var total: Double = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(logprobs: [Float] = [], total: Double = 0) {
        self.logprobs = logprobs
        self.total = total
    }
}

public struct ScoreResponse: ProtoMessage {
    public var results: [TokenLogProbs] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(results: [TokenLogProbs] = []) {
        self.results = results
    }
}
