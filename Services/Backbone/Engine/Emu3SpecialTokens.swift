/// The token ids generation needs, taken from the checkpoint (spec §5.1, §9.28).
///
/// With a transformers config they come from `vocabulary_map` by their literal strings; with
/// an original BAAI config from the `*_token_id` fields, the visual ids being the ids after
/// `<|image end|>` up to the vocabulary's end (the real vocabulary's order, spec §5.1 [I]).
public struct Emu3SpecialTokens: Sendable, Equatable, Codable {
    /// `<|endoftext|>`: padding in left-padded batches.
    public var pad: Int32
    /// `<|extra_203|>`.
    public var bos: Int32
    /// End-of-sequence ids (`<|extra_204|>`; a config may list several).
    public var eos: [Int32]
    /// `<|extra_200|>`: end of an image row.
    public var eol: Int32
    /// `<|extra_201|>`: end of a frame.
    public var eof: Int32
    /// `<|image token|>`: the image's code rows start after it.
    public var imageToken: Int32
    /// `<|image start|>`.
    public var imageStart: Int32
    /// `<|image end|>`.
    public var imageEnd: Int32
    /// Visual code ids, sorted: code k is `visualIds[k]`.
    public var visualIds: [Int32]

    /// The visual ids as one contiguous range when they are (the usual case), else nil.
    public var visualRange: Range<Int32>? {
        guard let first = visualIds.first, let last = visualIds.last,
              Int(last) - Int(first) + 1 == visualIds.count else { return nil }
        return first..<(last + 1)
    }

    /// Literal token strings (spec §5.1) looked up in `vocabulary_map`.
    public static let names = (
        pad: "<|endoftext|>", bos: "<|extra_203|>", eos: "<|extra_204|>", eol: "<|extra_200|>",
        eof: "<|extra_201|>", imageToken: "<|image token|>", imageStart: "<|image start|>",
        imageEnd: "<|image end|>", visualPrefix: "<|visual token "
    )

    /// Builds the table directly.
    public init(
        pad: Int32, bos: Int32, eos: [Int32], eol: Int32, eof: Int32, imageToken: Int32, imageStart: Int32,
        imageEnd: Int32, visualIds: [Int32]
    ) {
        self.pad = pad
        self.bos = bos
        self.eos = eos
        self.eol = eol
        self.eof = eof
        self.imageToken = imageToken
        self.imageStart = imageStart
        self.imageEnd = imageEnd
        self.visualIds = visualIds.sorted()
    }

    init(text t: RawTextConfig, vocabularyMap: [String: Int]?, vocabularySize: Int, keyPrefix: String) throws(BackboneError) {
        func id(_ v: Int?, key: String) throws(BackboneError) -> Int32 {
            guard let v else { throw .invalidConfig(key: key, reason: "missing") }
            guard let i = Int32(exactly: v) else { throw .invalidConfig(key: key, reason: "\(v) is not a token id") }
            return i
        }
        let n = Self.names
        let eosIds = try (t.eosTokenId?.values ?? []).map { v throws(BackboneError) in try id(v, key: keyPrefix + "eos_token_id") }
        if let map = vocabularyMap {
            func named(_ s: String) throws(BackboneError) -> Int32 { try id(map[s], key: "vocabulary_map[\"\(s)\"]") }
            let visual = try map.filter { $0.key.hasPrefix(n.visualPrefix) }.map { v throws(BackboneError) in
                try id(v.value, key: "vocabulary_map[\"\(v.key)\"]")
            }
            let pad = t.padTokenId != nil ? try id(t.padTokenId, key: keyPrefix + "pad_token_id") : try named(n.pad)
            let bos = t.bosTokenId != nil ? try id(t.bosTokenId, key: keyPrefix + "bos_token_id") : try named(n.bos)
            self.init(
                pad: pad, bos: bos,
                eos: eosIds.isEmpty ? [try named(n.eos)] : eosIds,
                eol: try named(n.eol), eof: try named(n.eof), imageToken: try named(n.imageToken),
                imageStart: try named(n.imageStart), imageEnd: try named(n.imageEnd), visualIds: visual)
        } else {
            let eoi = try id(t.eoiTokenId, key: keyPrefix + "eoi_token_id")
            guard !eosIds.isEmpty else { throw .invalidConfig(key: keyPrefix + "eos_token_id", reason: "missing") }
            self.init(
                pad: try id(t.padTokenId, key: keyPrefix + "pad_token_id"),
                bos: try id(t.bosTokenId, key: keyPrefix + "bos_token_id"), eos: eosIds,
                eol: try id(t.eolTokenId, key: keyPrefix + "eol_token_id"),
                eof: try id(t.eofTokenId, key: keyPrefix + "eof_token_id"),
                imageToken: try id(t.imgTokenId, key: keyPrefix + "img_token_id"),
                imageStart: try id(t.boiTokenId, key: keyPrefix + "boi_token_id"), imageEnd: eoi,
                visualIds: Array((eoi + 1)..<Int32(clamping: vocabularySize)))
        }
    }

    func validate(vocabularySize: Int) throws(BackboneError) {
        let named: [(String, Int32)] = [
            ("pad", pad), ("bos", bos), ("eol", eol), ("eof", eof), ("image token", imageToken),
            ("image start", imageStart), ("image end", imageEnd),
        ] + eos.map { ("eos", $0) }
        for (name, v) in named where v < 0 || Int(v) >= vocabularySize {
            throw .invalidConfig(key: "\(name) token id", reason: "\(v) is outside the vocabulary 0..<\(vocabularySize)")
        }
        if let bad = visualIds.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            throw .invalidConfig(key: "visual token ids", reason: "\(bad) is outside the vocabulary 0..<\(vocabularySize)")
        }
    }
}
