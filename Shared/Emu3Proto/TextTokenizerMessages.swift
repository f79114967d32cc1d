// Swift values for proto/emu3/v1/text_tokenizer.proto: the text tokenizer service.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

public struct TokenIds: ProtoMessage {
    public var ids: [Int32] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(ids: [Int32] = []) {
        self.ids = ids
    }
}

/// Encodes a batch of texts. Texts are plain text: strings that look like special tokens are
/// encoded as text unless `allow_special` is set.
public struct EncodeRequest: ProtoMessage {
    public var texts: [String] = []
    public var allowSpecial: Bool = false

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(texts: [String] = [], allowSpecial: Bool = false) {
        self.texts = texts
        self.allowSpecial = allowSpecial
    }
}

public struct EncodeResponse: ProtoMessage {
    public var results: [TokenIds] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(results: [TokenIds] = []) {
        self.results = results
    }
}

public struct DecodeRequest: ProtoMessage {
    public var sequences: [TokenIds] = []
    public var skipSpecial: Bool = false

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(sequences: [TokenIds] = [], skipSpecial: Bool = false) {
        self.sequences = sequences
        self.skipSpecial = skipSpecial
    }
}

public struct DecodeResponse: ProtoMessage {
    public var texts: [String] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(texts: [String] = []) {
        self.texts = texts
    }
}

public struct SpecialTokensRequest: ProtoMessage {
    /// The message has no fields.
    public init() {}
}

/// Token ids read from the loaded vocabulary (never hard-coded: spec §9 pitfall 28).
public struct SpecialTokensResponse: ProtoMessage {
    public var vocabSize: Int32 = 0
    public var padId: Int32 = 0
    public var bosId: Int32 = 0
    public var eosId: Int32 = 0
    public var eolId: Int32 = 0
    public var eofId: Int32 = 0
    /// <|image token|>
    public var imageTokenId: Int32 = 0
    /// <|image start|>
    public var imageStartId: Int32 = 0
    /// <|image end|>
    public var imageEndId: Int32 = 0
    /// id of <|visual token 000000|>
    public var visualTokenOffset: Int32 = 0
    public var visualTokenCount: Int32 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        vocabSize: Int32 = 0,
        padId: Int32 = 0,
        bosId: Int32 = 0,
        eosId: Int32 = 0,
        eolId: Int32 = 0,
        eofId: Int32 = 0,
        imageTokenId: Int32 = 0,
        imageStartId: Int32 = 0,
        imageEndId: Int32 = 0,
        visualTokenOffset: Int32 = 0,
        visualTokenCount: Int32 = 0
    ) {
        self.vocabSize = vocabSize
        self.padId = padId
        self.bosId = bosId
        self.eosId = eosId
        self.eolId = eolId
        self.eofId = eofId
        self.imageTokenId = imageTokenId
        self.imageStartId = imageStartId
        self.imageEndId = imageEndId
        self.visualTokenOffset = visualTokenOffset
        self.visualTokenCount = visualTokenCount
    }
}
