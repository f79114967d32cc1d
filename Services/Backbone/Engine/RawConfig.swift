// The JSON shapes of both `config.json` kinds, decoded loosely (every field optional) and
// validated by `Emu3TextConfiguration`, which turns missing or bad values into errors that
// name the key.

/// The text-model fields; at the top level of a BAAI config, under `text_config` otherwise.
struct RawTextConfig: Decodable {
    var vocabSize: Int?
    var hiddenSize: Int?
    var intermediateSize: Int?
    var numHiddenLayers: Int?
    var numAttentionHeads: Int?
    var numKeyValueHeads: Int?
    var headDim: Int?
    var hiddenAct: String?
    var maxPositionEmbeddings: Int?
    var rmsNormEps: Double?
    var ropeTheta: Double?
    var ropeScaling: RawRope?
    var ropeParameters: RawRope?
    var tieWordEmbeddings: Bool?
    var attentionBias: Bool?
    var mlpBias: Bool?
    var padTokenId: Int?
    var bosTokenId: Int?
    var eosTokenId: IntOrList?
    var imgTokenId: Int?
    var boiTokenId: Int?
    var eoiTokenId: Int?
    var eolTokenId: Int?
    var eofTokenId: Int?
    var vocabularyMap: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case ropeScaling = "rope_scaling"
        case ropeParameters = "rope_parameters"
        case tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
        case mlpBias = "mlp_bias"
        case padTokenId = "pad_token_id"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case imgTokenId = "img_token_id"
        case boiTokenId = "boi_token_id"
        case eoiTokenId = "eoi_token_id"
        case eolTokenId = "eol_token_id"
        case eofTokenId = "eof_token_id"
        case vocabularyMap = "vocabulary_map"
    }
}

/// `rope_parameters` (transformers 5) or `rope_scaling` (older): type/rope_type, factor, theta.
struct RawRope: Decodable {
    var type: String?
    var factor: Double?
    var ropeTheta: Double?

    enum CodingKeys: String, CodingKey {
        case type, ropeType = "rope_type", factor, ropeTheta = "rope_theta"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .ropeType) ?? c.decodeIfPresent(String.self, forKey: .type)
        factor = try c.decodeIfPresent(Double.self, forKey: .factor)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
    }
}

/// `eos_token_id` may be one id or a list.
struct IntOrList: Decodable {
    var values: [Int]
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let one = try? c.decode(Int.self) {
            values = [one]
        } else {
            values = try c.decode([Int].self)
        }
    }
}

/// The whole document: nested (`text_config`) or flat.
struct RawConfig: Decodable {
    var textConfig: RawTextConfig?
    var vocabularyMap: [String: Int]?
    var tieWordEmbeddings: Bool?
    var flat: RawTextConfig

    enum CodingKeys: String, CodingKey {
        case textConfig = "text_config"
        case vocabularyMap = "vocabulary_map"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        textConfig = try c.decodeIfPresent(RawTextConfig.self, forKey: .textConfig)
        vocabularyMap = try c.decodeIfPresent([String: Int].self, forKey: .vocabularyMap)
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings)
        flat = try RawTextConfig(from: decoder)
    }
}
