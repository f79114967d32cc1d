import Foundation

/// The Emu3 text backbone's shape and token ids, read from either kind of `config.json`:
/// - original BAAI `Emu3ForCausalLM` (flat; `rope_theta`, `rope_scaling`, `img/boi/eoi/eol/eof_token_id`),
/// - transformers `Emu3ForConditionalGeneration` (`text_config` with `rope_parameters {rope_theta,
///   rope_type}` or a top-level `rope_theta`, and a `vocabulary_map` of token strings).
/// Spec §1.1, §1.3, §9.23, §9.28: token ids come from the checkpoint, never from constants.
public struct Emu3TextConfiguration: Sendable, Equatable {
    /// Rows of the embedding table and of lm_head.
    public var vocabularySize: Int
    /// Model width d.
    public var hiddenSize: Int
    /// SwiGLU inner width.
    public var intermediateSize: Int
    /// Decoder layers.
    public var layerCount: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (GQA: query head h uses KV head ⌊h / (headCount / kvHeadCount)⌋).
    public var kvHeadCount: Int
    /// Per-head width (config `head_dim`, else hiddenSize / headCount).
    public var headDim: Int
    /// RMSNorm ε. Load-bearing: Emu3 uses 1e-5 while the RMSNorm class defaults to 1e-6 (§9.4).
    public var rmsNormEpsilon: Float
    /// RoPE base θ.
    public var ropeTheta: Double
    /// `rope_type: "linear"` factor (positions divided by it); nil for the default RoPE.
    public var ropeLinearFactor: Double?
    /// Context length: prompt plus generated tokens of one stream.
    public var maxPositionEmbeddings: Int
    /// lm_head shares the embedding matrix.
    public var tieWordEmbeddings: Bool
    /// Token ids the engine needs (layout, stops, padding).
    public var tokens: Emu3SpecialTokens

    /// Queries per KV head.
    public var groupSize: Int { headCount / kvHeadCount }

    /// Reads and validates `config.json`.
    /// - Throws: `BackboneError.configUnreadable`, `.invalidConfig`, `.unsupportedConfig`.
    public init(contentsOf url: URL) throws(BackboneError) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .configUnreadable(path: url.path, reason: "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .configUnreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(json: data)
    }

    /// Parses and validates a `config.json` document.
    /// - Throws: `BackboneError.configUnreadable` (not JSON), `.invalidConfig`, `.unsupportedConfig`.
    public init(json: Data) throws(BackboneError) {
        let root: RawConfig
        do {
            root = try JSONDecoder().decode(RawConfig.self, from: json)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw .configUnreadable(path: "config.json", reason: String(describing: error))
        }
        try self.init(raw: root)
    }

    /// Builds a configuration directly (tests, benchmarks); validates like the JSON path.
    public init(
        vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int,
        kvHeadCount: Int, headDim: Int? = nil, rmsNormEpsilon: Float = 1e-5, ropeTheta: Double = 1e6,
        ropeLinearFactor: Double? = nil, maxPositionEmbeddings: Int, tieWordEmbeddings: Bool = false,
        tokens: Emu3SpecialTokens
    ) throws(BackboneError) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim ?? (headCount > 0 ? hiddenSize / headCount : 0)
        self.rmsNormEpsilon = rmsNormEpsilon
        self.ropeTheta = ropeTheta
        self.ropeLinearFactor = ropeLinearFactor
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.tieWordEmbeddings = tieWordEmbeddings
        self.tokens = tokens
        try validate()
    }

    private init(raw root: RawConfig) throws(BackboneError) {
        let nested = root.textConfig != nil
        let t = root.textConfig ?? root.flat
        let prefix = nested ? "text_config." : ""
        func need<T>(_ v: T?, _ key: String) throws(BackboneError) -> T {
            guard let v else { throw .invalidConfig(key: prefix + key, reason: "missing") }
            return v
        }
        if let act = t.hiddenAct, act != "silu" {
            throw .unsupportedConfig(key: prefix + "hidden_act", value: act, supported: ["silu"])
        }
        for (key, flag) in [("attention_bias", t.attentionBias), ("mlp_bias", t.mlpBias)] where flag == true {
            throw .unsupportedConfig(key: prefix + key, value: "true", supported: ["false"])
        }
        let (theta, linear) = try Self.rope(t, root: root, prefix: prefix)
        let heads = try need(t.numAttentionHeads, "num_attention_heads")
        let vocab = try need(t.vocabSize, "vocab_size")
        let tokens = try Emu3SpecialTokens(text: t, vocabularyMap: root.vocabularyMap ?? t.vocabularyMap,
                                           vocabularySize: vocab, keyPrefix: prefix)
        try self.init(
            vocabularySize: vocab, hiddenSize: try need(t.hiddenSize, "hidden_size"),
            intermediateSize: try need(t.intermediateSize, "intermediate_size"),
            layerCount: try need(t.numHiddenLayers, "num_hidden_layers"), headCount: heads,
            kvHeadCount: t.numKeyValueHeads ?? heads, headDim: t.headDim,
            rmsNormEpsilon: Float(t.rmsNormEps ?? 1e-5),  // both Emu3 config classes default to 1e-5
            ropeTheta: theta, ropeLinearFactor: linear,
            maxPositionEmbeddings: try need(t.maxPositionEmbeddings, "max_position_embeddings"),
            tieWordEmbeddings: root.tieWordEmbeddings ?? t.tieWordEmbeddings ?? false, tokens: tokens)
    }

    /// RoPE base and scaling from `rope_parameters`, `rope_scaling` or `rope_theta` (§9.23).
    private static func rope(_ t: RawTextConfig, root: RawConfig, prefix: String) throws(BackboneError) -> (Double, Double?) {
        let params = t.ropeParameters ?? t.ropeScaling
        let key = t.ropeParameters != nil ? "rope_parameters" : "rope_scaling"
        let theta = params?.ropeTheta ?? t.ropeTheta ?? root.flat.ropeTheta
        guard let theta else { throw .invalidConfig(key: prefix + "rope_theta", reason: "missing (also not in rope_parameters)") }
        guard theta.isFinite, theta > 1 else { throw .invalidConfig(key: prefix + "rope_theta", reason: "must be > 1, got \(theta)") }
        switch params?.type ?? "default" {
        case "default":
            return (theta, nil)
        case "linear":
            guard let f = params?.factor, f.isFinite, f > 0 else {
                throw .invalidConfig(key: prefix + key + ".factor", reason: "linear RoPE needs a positive factor")
            }
            return (theta, f)
        case let other:
            throw .unsupportedConfig(key: prefix + key + ".rope_type", value: other, supported: ["default", "linear"])
        }
    }

    private func validate() throws(BackboneError) {
        func positive(_ v: Int, _ key: String) throws(BackboneError) {
            guard v > 0 else { throw .invalidConfig(key: key, reason: "must be > 0, got \(v)") }
        }
        try positive(vocabularySize, "vocab_size")
        try positive(hiddenSize, "hidden_size")
        try positive(intermediateSize, "intermediate_size")
        try positive(layerCount, "num_hidden_layers")
        try positive(headCount, "num_attention_heads")
        try positive(kvHeadCount, "num_key_value_heads")
        try positive(maxPositionEmbeddings, "max_position_embeddings")
        guard headCount % kvHeadCount == 0 else {
            throw .invalidConfig(key: "num_key_value_heads", reason: "\(kvHeadCount) does not divide num_attention_heads \(headCount)")
        }
        guard headDim > 0, headDim % 2 == 0 else {
            throw .invalidConfig(key: "head_dim", reason: "must be a positive even number (rotate-half RoPE), got \(headDim)")
        }
        guard rmsNormEpsilon.isFinite, rmsNormEpsilon > 0 else {
            throw .invalidConfig(key: "rms_norm_eps", reason: "must be > 0, got \(rmsNormEpsilon)")
        }
        try tokens.validate(vocabularySize: vocabularySize)
    }

    /// Names the JSON key a decoding error is about.
    private static func describe(_ error: DecodingError) -> BackboneError {
        func path(_ p: [any CodingKey]) -> String { p.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .typeMismatch(let type, let c): return .invalidConfig(key: path(c.codingPath), reason: "expected \(type)")
        case .valueNotFound(let type, let c): return .invalidConfig(key: path(c.codingPath), reason: "null, expected \(type)")
        case .keyNotFound(let k, let c): return .invalidConfig(key: path(c.codingPath + [k]), reason: "missing")
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty
                ? .configUnreadable(path: "config.json", reason: "not valid JSON")
                : .invalidConfig(key: path(c.codingPath), reason: c.debugDescription)
        @unknown default: return .configUnreadable(path: "config.json", reason: "\(error)")
        }
    }
}
