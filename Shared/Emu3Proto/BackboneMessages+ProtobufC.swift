// protobuf-c bridging for proto/emu3/v1/backbone.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension SamplingParams: CBridged {
    static func cDefault() -> Emu3__V1__SamplingParams { cInitialised(emu3__v1__sampling_params__init) }

    init(c: Emu3__V1__SamplingParams) {
        self.init(
            greedy: c.greedy != 0,
            temperature: c.temperature,
            topK: c.top_k,
            topP: c.top_p,
            cfgScale: c.cfg_scale,
            seed: c.seed)
    }

    func fill(_ c: inout Emu3__V1__SamplingParams, _ arena: CArena) {
        c.greedy = greedy ? 1 : 0
        c.temperature = temperature
        c.top_k = topK
        c.top_p = topP
        c.cfg_scale = cfgScale
        c.seed = seed
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ImageLayout: CBridged {
    static func cDefault() -> Emu3__V1__ImageLayout { cInitialised(emu3__v1__image_layout__init) }

    init(c: Emu3__V1__ImageLayout) {
        self.init(
            height: c.height,
            width: c.width)
    }

    func fill(_ c: inout Emu3__V1__ImageLayout, _ arena: CArena) {
        c.height = height
        c.width = width
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension GenerateRequest: CBridged {
    static func cDefault() -> Emu3__V1__GenerateRequest { cInitialised(emu3__v1__generate_request__init) }

    init(c: Emu3__V1__GenerateRequest) {
        self.init(
            promptIds: CRead.array(c.prompt_ids, c.n_prompt_ids),
            negativePromptIds: CRead.array(c.negative_prompt_ids, c.n_negative_prompt_ids),
            sampling: CRead.message(c.sampling),
            layout: CRead.message(c.layout),
            maxNewTokens: c.max_new_tokens,
            stopIds: CRead.array(c.stop_ids, c.n_stop_ids))
    }

    func fill(_ c: inout Emu3__V1__GenerateRequest, _ arena: CArena) {
        c.n_prompt_ids = promptIds.count
        c.prompt_ids = arena.array(promptIds)
        c.n_negative_prompt_ids = negativePromptIds.count
        c.negative_prompt_ids = arena.array(negativePromptIds)
        c.sampling = arena.message(sampling)
        c.layout = arena.message(layout)
        c.max_new_tokens = maxNewTokens
        c.n_stop_ids = stopIds.count
        c.stop_ids = arena.array(stopIds)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension GenerateResponse: CBridged {
    static func cDefault() -> Emu3__V1__GenerateResponse { cInitialised(emu3__v1__generate_response__init) }

    init(c: Emu3__V1__GenerateResponse) {
        self.init(
            ids: CRead.array(c.ids, c.n_ids),
            finishReason: .init(rawValue: Int32(truncatingIfNeeded: c.finish_reason.rawValue)),
            promptTokens: c.prompt_tokens,
            prefillMs: c.prefill_ms,
            decodeMs: c.decode_ms)
    }

    func fill(_ c: inout Emu3__V1__GenerateResponse, _ arena: CArena) {
        c.n_ids = ids.count
        c.ids = arena.array(ids)
        c.finish_reason = .init(rawValue: .init(truncatingIfNeeded: finishReason.rawValue))
        c.prompt_tokens = promptTokens
        c.prefill_ms = prefillMs
        c.decode_ms = decodeMs
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ProgressRequest: CBridged {
    static func cDefault() -> Emu3__V1__ProgressRequest { cInitialised(emu3__v1__progress_request__init) }

    init(c: Emu3__V1__ProgressRequest) {
        self.init(
            requestId: CRead.string(c.request_id),
            fromToken: c.from_token)
    }

    func fill(_ c: inout Emu3__V1__ProgressRequest, _ arena: CArena) {
        c.request_id = arena.string(requestId)
        c.from_token = fromToken
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ProgressResponse: CBridged {
    static func cDefault() -> Emu3__V1__ProgressResponse { cInitialised(emu3__v1__progress_response__init) }

    init(c: Emu3__V1__ProgressResponse) {
        self.init(
            state: .init(rawValue: Int32(truncatingIfNeeded: c.state.rawValue)),
            tokensDone: c.tokens_done,
            tokensTotal: c.tokens_total,
            newIds: CRead.array(c.new_ids, c.n_new_ids))
    }

    func fill(_ c: inout Emu3__V1__ProgressResponse, _ arena: CArena) {
        c.state = .init(rawValue: .init(truncatingIfNeeded: state.rawValue))
        c.tokens_done = tokensDone
        c.tokens_total = tokensTotal
        c.n_new_ids = newIds.count
        c.new_ids = arena.array(newIds)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension CancelRequest: CBridged {
    static func cDefault() -> Emu3__V1__CancelRequest { cInitialised(emu3__v1__cancel_request__init) }

    init(c: Emu3__V1__CancelRequest) {
        self.init(
            requestId: CRead.string(c.request_id))
    }

    func fill(_ c: inout Emu3__V1__CancelRequest, _ arena: CArena) {
        c.request_id = arena.string(requestId)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension CancelResponse: CBridged {
    static func cDefault() -> Emu3__V1__CancelResponse { cInitialised(emu3__v1__cancel_response__init) }

    init(c: Emu3__V1__CancelResponse) {
        self.init(
            found: c.found != 0)
    }

    func fill(_ c: inout Emu3__V1__CancelResponse, _ arena: CArena) {
        c.found = found ? 1 : 0
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ScoreItem: CBridged {
    static func cDefault() -> Emu3__V1__ScoreItem { cInitialised(emu3__v1__score_item__init) }

    init(c: Emu3__V1__ScoreItem) {
        self.init(
            contextIds: CRead.array(c.context_ids, c.n_context_ids),
            continuationIds: CRead.array(c.continuation_ids, c.n_continuation_ids))
    }

    func fill(_ c: inout Emu3__V1__ScoreItem, _ arena: CArena) {
        c.n_context_ids = contextIds.count
        c.context_ids = arena.array(contextIds)
        c.n_continuation_ids = continuationIds.count
        c.continuation_ids = arena.array(continuationIds)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ScoreRequest: CBridged {
    static func cDefault() -> Emu3__V1__ScoreRequest { cInitialised(emu3__v1__score_request__init) }

    init(c: Emu3__V1__ScoreRequest) {
        self.init(
            items: CRead.messages(c.items, c.n_items))
    }

    func fill(_ c: inout Emu3__V1__ScoreRequest, _ arena: CArena) {
        c.n_items = items.count
        c.items = arena.messages(items)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension TokenLogProbs: CBridged {
    static func cDefault() -> Emu3__V1__TokenLogProbs { cInitialised(emu3__v1__token_log_probs__init) }

    init(c: Emu3__V1__TokenLogProbs) {
        self.init(
            logprobs: CRead.array(c.logprobs, c.n_logprobs),
            total: c.total)
    }

    func fill(_ c: inout Emu3__V1__TokenLogProbs, _ arena: CArena) {
        c.n_logprobs = logprobs.count
        c.logprobs = arena.array(logprobs)
        c.total = total
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension ScoreResponse: CBridged {
    static func cDefault() -> Emu3__V1__ScoreResponse { cInitialised(emu3__v1__score_response__init) }

    init(c: Emu3__V1__ScoreResponse) {
        self.init(
            results: CRead.messages(c.results, c.n_results))
    }

    func fill(_ c: inout Emu3__V1__ScoreResponse, _ arena: CArena) {
        c.n_results = results.count
        c.results = arena.messages(results)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
