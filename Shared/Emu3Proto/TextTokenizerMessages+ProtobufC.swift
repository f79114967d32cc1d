// protobuf-c bridging for proto/emu3/v1/text_tokenizer.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension TokenIds: CBridged {
    static func cDefault() -> Emu3__V1__TokenIds { cInitialised(emu3__v1__token_ids__init) }

    init(c: Emu3__V1__TokenIds) {
        self.init(
            ids: CRead.array(c.ids, c.n_ids))
    }

    func fill(_ c: inout Emu3__V1__TokenIds, _ arena: CArena) {
        c.n_ids = ids.count
        c.ids = arena.array(ids)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeRequest: CBridged {
    static func cDefault() -> Emu3__V1__EncodeRequest { cInitialised(emu3__v1__encode_request__init) }

    init(c: Emu3__V1__EncodeRequest) {
        self.init(
            texts: CRead.strings(c.texts, c.n_texts),
            allowSpecial: c.allow_special != 0)
    }

    func fill(_ c: inout Emu3__V1__EncodeRequest, _ arena: CArena) {
        c.n_texts = texts.count
        c.texts = arena.strings(texts)
        c.allow_special = allowSpecial ? 1 : 0
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension EncodeResponse: CBridged {
    static func cDefault() -> Emu3__V1__EncodeResponse { cInitialised(emu3__v1__encode_response__init) }

    init(c: Emu3__V1__EncodeResponse) {
        self.init(
            results: CRead.messages(c.results, c.n_results))
    }

    func fill(_ c: inout Emu3__V1__EncodeResponse, _ arena: CArena) {
        c.n_results = results.count
        c.results = arena.messages(results)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeRequest: CBridged {
    static func cDefault() -> Emu3__V1__DecodeRequest { cInitialised(emu3__v1__decode_request__init) }

    init(c: Emu3__V1__DecodeRequest) {
        self.init(
            sequences: CRead.messages(c.sequences, c.n_sequences),
            skipSpecial: c.skip_special != 0)
    }

    func fill(_ c: inout Emu3__V1__DecodeRequest, _ arena: CArena) {
        c.n_sequences = sequences.count
        c.sequences = arena.messages(sequences)
        c.skip_special = skipSpecial ? 1 : 0
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension DecodeResponse: CBridged {
    static func cDefault() -> Emu3__V1__DecodeResponse { cInitialised(emu3__v1__decode_response__init) }

    init(c: Emu3__V1__DecodeResponse) {
        self.init(
            texts: CRead.strings(c.texts, c.n_texts))
    }

    func fill(_ c: inout Emu3__V1__DecodeResponse, _ arena: CArena) {
        c.n_texts = texts.count
        c.texts = arena.strings(texts)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension SpecialTokensRequest: CBridged {
    static func cDefault() -> Emu3__V1__SpecialTokensRequest { cInitialised(emu3__v1__special_tokens_request__init) }

    init(c: Emu3__V1__SpecialTokensRequest) { self.init() }
    func fill(_ c: inout Emu3__V1__SpecialTokensRequest, _ arena: CArena) {}

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension SpecialTokensResponse: CBridged {
    static func cDefault() -> Emu3__V1__SpecialTokensResponse { cInitialised(emu3__v1__special_tokens_response__init) }

    init(c: Emu3__V1__SpecialTokensResponse) {
        self.init(
            vocabSize: c.vocab_size,
            padId: c.pad_id,
            bosId: c.bos_id,
            eosId: c.eos_id,
            eolId: c.eol_id,
            eofId: c.eof_id,
            imageTokenId: c.image_token_id,
            imageStartId: c.image_start_id,
            imageEndId: c.image_end_id,
            visualTokenOffset: c.visual_token_offset,
            visualTokenCount: c.visual_token_count)
    }

    func fill(_ c: inout Emu3__V1__SpecialTokensResponse, _ arena: CArena) {
        c.vocab_size = vocabSize
        c.pad_id = padId
        c.bos_id = bosId
        c.eos_id = eosId
        c.eol_id = eolId
        c.eof_id = eofId
        c.image_token_id = imageTokenId
        c.image_start_id = imageStartId
        c.image_end_id = imageEndId
        c.visual_token_offset = visualTokenOffset
        c.visual_token_count = visualTokenCount
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
