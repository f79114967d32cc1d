import Tensor

/// Checkpoint tensor names of the Emu3 text backbone, as written in the checkpoints
/// (spec §2.1, §9.23). Three prefixes exist for the same tensors:
/// - original BAAI `Emu3ForCausalLM`:        `model.layers.N…`,            `lm_head.weight`
/// - transformers, in-memory module names:  `model.text_model.layers.N…`, `lm_head.weight`
/// - transformers 5 `save_pretrained` / hosted `-hf` shards: `text_model.model.layers.N…`,
///   `text_model.lm_head.weight`
public enum Emu3TensorNames {
    /// (body prefix, lm_head name) per naming scheme, probed in this order.
    public static let schemes: [(body: String, head: String)] = [
        ("model.", "lm_head.weight"),
        ("model.text_model.", "lm_head.weight"),
        ("text_model.model.", "text_model.lm_head.weight"),
    ]

    static func embed(_ p: String) -> String { p + "embed_tokens.weight" }
    static func norm(_ p: String) -> String { p + "norm.weight" }
    static func layer(_ p: String, _ i: Int, _ suffix: String) -> String { "\(p)layers.\(i).\(suffix)" }

    /// Per-layer suffixes: "self_attn.q_proj.weight", … (the names a grep finds).
    static let q = "self_attn.q_proj.weight"
    static let k = "self_attn.k_proj.weight"
    static let v = "self_attn.v_proj.weight"
    static let o = "self_attn.o_proj.weight"
    static let gate = "mlp.gate_proj.weight"
    static let up = "mlp.up_proj.weight"
    static let down = "mlp.down_proj.weight"
    static let inputNorm = "input_layernorm.weight"
    static let postNorm = "post_attention_layernorm.weight"
}

/// One decoder layer's weights. Linear weights are [out, in] in their stored dtype.
struct Emu3LayerWeights: Sendable {
    let q, k, v, o, gate, up, down: WeightMatrix
    let inputNorm, postAttentionNorm: [Float]
}

/// The whole backbone's weights, validated against the configuration.
struct Emu3Weights: Sendable {
    let embedTokens: WeightMatrix
    let layers: [Emu3LayerWeights]
    let norm: [Float]
    let lmHead: WeightMatrix
    /// The naming scheme found (body prefix).
    let prefix: String

    /// Bytes of weight data referenced (tied head counted once).
    var byteCount: Int {
        let layerBytes = layers.reduce(0) { s, l in
            s + [l.q, l.k, l.v, l.o, l.gate, l.up, l.down].reduce(0) { $0 + $1.byteCount }
        }
        return embedTokens.byteCount + layerBytes + (lmHeadIsEmbedding ? 0 : lmHead.byteCount)
    }

    var lmHeadIsEmbedding: Bool { lmHead.byteCount == embedTokens.byteCount && lmHead.sharesStorage(with: embedTokens) }

    /// Finds the naming scheme, checks every tensor's presence, dtype and shape, and builds views.
    /// - Throws: `BackboneError.missingTensor` (named in the scheme found, or the original
    ///   scheme when none matches), `.tensorShape`, `.tensorDType`.
    static func load(from source: TensorSource, config c: Emu3TextConfiguration) throws(BackboneError) -> Emu3Weights {
        typealias N = Emu3TensorNames
        guard let scheme = N.schemes.first(where: { source.info(N.embed($0.body)) != nil }) else {
            throw .missingTensor(name: N.embed(N.schemes[0].body))
        }
        let p = scheme.body
        let d = c.hiddenSize
        let qOut = c.headCount * c.headDim
        let kvOut = c.kvHeadCount * c.headDim
        func matrix(_ name: String, _ rows: Int, _ cols: Int) throws(BackboneError) -> WeightMatrix {
            let info = try check(name, shape: [rows, cols], in: source)
            return try source.matrix(name, dtype: info, rows: rows, cols: cols)
        }
        func vector(_ name: String, _ n: Int) throws(BackboneError) -> [Float] {
            let info = try check(name, shape: [n], in: source)
            return try source.matrix(name, dtype: info, rows: 1, cols: n).floats()
        }
        let embed = try matrix(N.embed(p), c.vocabularySize, d)
        var layers: [Emu3LayerWeights] = []
        for i in 0..<c.layerCount {
            func name(_ s: String) -> String { N.layer(p, i, s) }
            layers.append(Emu3LayerWeights(
                q: try matrix(name(N.q), qOut, d), k: try matrix(name(N.k), kvOut, d),
                v: try matrix(name(N.v), kvOut, d), o: try matrix(name(N.o), d, qOut),
                gate: try matrix(name(N.gate), c.intermediateSize, d), up: try matrix(name(N.up), c.intermediateSize, d),
                down: try matrix(name(N.down), d, c.intermediateSize),
                inputNorm: try vector(name(N.inputNorm), d), postAttentionNorm: try vector(name(N.postNorm), d)))
        }
        let norm = try vector(N.norm(p), d)
        let head = c.tieWordEmbeddings ? embed : try matrix(scheme.head, c.vocabularySize, d)
        return Emu3Weights(embedTokens: embed, layers: layers, norm: norm, lmHead: head, prefix: p)
    }

    /// Presence, dtype and shape of one tensor; returns its dtype.
    private static func check(_ name: String, shape: [Int], in source: TensorSource) throws(BackboneError) -> DType {
        guard let info = source.info(name) else { throw .missingTensor(name: name) }
        guard let dtype = DType(rawValue: info.dtype) else {
            throw .tensorDType(name: name, dtype: info.dtype, supported: DType.allCases.map(\.rawValue))
        }
        guard info.shape == shape else { throw .tensorShape(name: name, expected: shape, actual: info.shape) }
        return dtype
    }
}
