// protobuf-c bridging for proto/emu3/v1/orchestrator.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension GenerateImageRequest: CBridged {
    static func cDefault() -> Emu3__V1__GenerateImageRequest { cInitialised(emu3__v1__generate_image_request__init) }

    init(c: Emu3__V1__GenerateImageRequest) {
        self.init()
        prompt = CRead.string(c.prompt)
        negativePrompt = CRead.string(c.negative_prompt)
        ratio = CRead.string(c.ratio)
        area = c.area
        cfgScale = c.cfg_scale
        topK = c.top_k
        topP = c.top_p
        temperature = c.temperature
        seed = c.seed
    }

    func fill(_ c: inout Emu3__V1__GenerateImageRequest, _ arena: CArena) {
        c.prompt = arena.string(prompt)
        c.negative_prompt = arena.string(negativePrompt)
        c.ratio = arena.string(ratio)
        c.area = area
        c.cfg_scale = cfgScale
        c.top_k = topK
        c.top_p = topP
        c.temperature = temperature
        c.seed = seed
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) { self = try .decodeWithProtobufC(bytes) }
    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension GenerateImageResponse: CBridged {
    static func cDefault() -> Emu3__V1__GenerateImageResponse { cInitialised(emu3__v1__generate_image_response__init) }

    init(c: Emu3__V1__GenerateImageResponse) {
        self.init()
        png = CRead.bytes(c.png)
        width = c.width
        height = c.height
        seed = c.seed
        tokenIds = CRead.array(c.token_ids, c.n_token_ids)
        elapsedMs = c.elapsed_ms
    }

    func fill(_ c: inout Emu3__V1__GenerateImageResponse, _ arena: CArena) {
        c.png = arena.bytes(png)
        c.width = width
        c.height = height
        c.seed = seed
        c.n_token_ids = tokenIds.count
        c.token_ids = arena.array(tokenIds)
        c.elapsed_ms = elapsedMs
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) { self = try .decodeWithProtobufC(bytes) }
    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension UnderstandRequest: CBridged {
    static func cDefault() -> Emu3__V1__UnderstandRequest { cInitialised(emu3__v1__understand_request__init) }

    init(c: Emu3__V1__UnderstandRequest) {
        self.init()
        png = CRead.bytes(c.png)
        question = CRead.string(c.question)
        maxTokens = c.max_tokens
    }

    func fill(_ c: inout Emu3__V1__UnderstandRequest, _ arena: CArena) {
        c.png = arena.bytes(png)
        c.question = arena.string(question)
        c.max_tokens = maxTokens
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) { self = try .decodeWithProtobufC(bytes) }
    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension UnderstandResponse: CBridged {
    static func cDefault() -> Emu3__V1__UnderstandResponse { cInitialised(emu3__v1__understand_response__init) }

    init(c: Emu3__V1__UnderstandResponse) {
        self.init()
        text = CRead.string(c.text)
        tokenIds = CRead.array(c.token_ids, c.n_token_ids)
        elapsedMs = c.elapsed_ms
    }

    func fill(_ c: inout Emu3__V1__UnderstandResponse, _ arena: CArena) {
        c.text = arena.string(text)
        c.n_token_ids = tokenIds.count
        c.token_ids = arena.array(tokenIds)
        c.elapsed_ms = elapsedMs
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) { self = try .decodeWithProtobufC(bytes) }
    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
