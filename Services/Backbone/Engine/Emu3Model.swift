import Tensor

// The Emu3 text decoder (a Llama-2-style model): spec §2.2–§2.4, checked against
// transformers 5.24 `Emu3ForCausalLM` / `Emu3TextModel` (models/emu3/modeling_emu3.py).

/// Which final hidden states a forward pass returns for one stream.
public enum HiddenSelection: Sendable, Equatable {
    /// None (the tokens only extend the cache: forced tokens, prompt chunks).
    case none
    /// The last new token's.
    case last
    /// Every new token's.
    case all
}

/// One stream's part of a ragged batch: its own cache, its own positions, no padding between
/// streams. All streams' tokens go through every Linear layer together.
public struct StreamStep {
    /// The stream's cache; the new tokens are appended to it.
    public let cache: KVCache
    /// New token ids (validated by the caller).
    public let tokens: [Int32]
    /// Per new token, whether it is a padding slot (left-padded batches); nil: none are.
    public let padding: [Bool]?
    /// Which hidden states to return.
    public let output: HiddenSelection

    public init(cache: KVCache, tokens: [Int32], padding: [Bool]? = nil, output: HiddenSelection) {
        self.cache = cache
        self.tokens = tokens
        self.padding = padding
        self.output = output
    }
}

/// Scratch buffers for forward passes; reuse one per thread of work (not thread-safe).
public final class ForwardWorkspace {
    var x = Tensor(zeros: [0]), h = Tensor(zeros: [0]), q = Tensor(zeros: [0]), k = Tensor(zeros: [0])
    var v = Tensor(zeros: [0]), attn = Tensor(zeros: [0]), o = Tensor(zeros: [0])
    var gate = Tensor(zeros: [0]), up = Tensor(zeros: [0]), scores = Tensor(zeros: [0]), widen = Tensor(zeros: [0])

    public init() {}
}

/// The loaded decoder: immutable weights plus the math. Thread-safe to share; every call
/// brings its own caches and workspace.
public struct Emu3Model: Sendable {
    /// The configuration the weights were checked against.
    public let configuration: Emu3TextConfiguration
    let weights: Emu3Weights
    let rope: RotaryEmbedding
    /// Workers for the matrix kernels.
    public let threads: ComputeThreads

    /// Checks and wraps the weights of `source` (no copy of 16-bit or F32 weights).
    /// - Throws: `BackboneError.missingTensor`, `.tensorShape`, `.tensorDType`.
    public init(configuration: Emu3TextConfiguration, source: TensorSource, threads: ComputeThreads) throws(BackboneError) {
        self.configuration = configuration
        weights = try Emu3Weights.load(from: source, config: configuration)
        rope = RotaryEmbedding(
            headDim: configuration.headDim, base: configuration.ropeTheta,
            linearScalingFactor: configuration.ropeLinearFactor)
        self.threads = threads
    }

    /// Bytes of weights the model reads (a tied head counted once).
    public var weightBytes: Int { weights.byteCount }

    /// The stored dtype of the layer weights (the first layer's q_proj).
    public var weightDType: DType { weights.layers.first?.q.dtype ?? weights.embedTokens.dtype }

    /// A new, empty cache for one sequence.
    public func makeCache(initialCapacity: Int = 64) -> KVCache {
        let c = configuration
        return KVCache(layers: c.layerCount, kvHeads: c.kvHeadCount, headDim: c.headDim,
                       maxTokens: c.maxPositionEmbeddings, initialCapacity: initialCapacity)
    }

    /// Runs the decoder over a ragged batch and appends every stream's tokens to its cache.
    ///
    /// Positions: each real token gets its cache's `nextPosition` (then +1); padding slots get
    /// position 1 and never advance it — transformers' `cumsum(mask) − 1` with padding
    /// filled by 1 (spec §2.4, §9.24).
    /// - Returns: per stream, the final-RMSNorm'd hidden states it asked for ([rows, d]).
    /// - Throws: `BackboneError.sequenceTooLong` when a cache would pass the context.
    public func forward(_ steps: [StreamStep], workspace ws: ForwardWorkspace) throws(BackboneError) -> [Tensor] {
        let c = configuration
        var offsets: [Int] = []
        var allTokens: [Int32] = []
        var tables: [(cos: [Float], sin: [Float])] = []
        var newPositions: [Int] = []
        for s in steps {
            precondition(s.padding == nil || s.padding!.count == s.tokens.count, "padding flags per token")
            do {
                try s.cache.reserve(s.tokens.count)
            } catch let KVCacheError.full(cached, requested, maxTokens) {
                throw .sequenceTooLong(field: "sequence", length: cached + requested, maxLength: maxTokens)
            } catch {
                preconditionFailure("\(error)")
            }
            offsets.append(allTokens.count)
            allTokens += s.tokens
            var next = s.cache.nextPosition
            var positions: [Int] = []
            for t in 0..<s.tokens.count {
                if s.padding?[t] == true {
                    positions.append(1)
                } else {
                    positions.append(next)
                    next += 1
                }
            }
            newPositions.append(next)
            tables.append(rope.table(positions: positions))
        }
        Embedding.gather(weights.embedTokens, ids: allTokens, into: &ws.x)
        for (l, layer) in weights.layers.enumerated() {
            // Attention block (§2.2 steps 1–6).
            Elementwise.rmsNorm(ws.x, weight: layer.inputNorm, eps: c.rmsNormEpsilon, into: &ws.h)
            Linear.apply(layer.q, input: ws.h, output: &ws.q, scratch: &ws.widen, threads: threads)
            Linear.apply(layer.k, input: ws.h, output: &ws.k, scratch: &ws.widen, threads: threads)
            Linear.apply(layer.v, input: ws.h, output: &ws.v, scratch: &ws.widen, threads: threads)
            ws.attn.resize(to: ws.q.shape)
            for (i, s) in steps.enumerated() where !s.tokens.isEmpty {
                rope.apply(&ws.q, heads: c.headCount, rowStart: offsets[i], table: tables[i])
                rope.apply(&ws.k, heads: c.kvHeadCount, rowStart: offsets[i], table: tables[i])
                s.cache.store(layer: l, k: ws.k, v: ws.v, rowStart: offsets[i], tokens: s.tokens.count)
                Attention.causal(
                    q: ws.q, rowStart: offsets[i], tokens: s.tokens.count, heads: c.headCount, cache: s.cache,
                    layer: l, newPadding: s.padding, out: &ws.attn, scratch: &ws.scores, threads: threads)
            }
            Linear.apply(layer.o, input: ws.attn, output: &ws.o, scratch: &ws.widen, threads: threads)
            Elementwise.add(&ws.x, ws.o)
            // MLP block (§2.2 step 7): x += down(SiLU(gate(b)) ⊙ up(b)).
            Elementwise.rmsNorm(ws.x, weight: layer.postAttentionNorm, eps: c.rmsNormEpsilon, into: &ws.h)
            Linear.apply(layer.gate, input: ws.h, output: &ws.gate, scratch: &ws.widen, threads: threads)
            Linear.apply(layer.up, input: ws.h, output: &ws.up, scratch: &ws.widen, threads: threads)
            Elementwise.siluMultiply(&ws.gate, ws.up)
            Linear.apply(layer.down, input: ws.gate, output: &ws.o, scratch: &ws.widen, threads: threads)
            Elementwise.add(&ws.x, ws.o)
        }
        var outputs: [Tensor] = []
        for (i, s) in steps.enumerated() {
            s.cache.commit(s.tokens.count, padding: s.padding)
            s.cache.nextPosition = newPositions[i]
            let rows: Range<Int>
            switch s.output {
            case .none: rows = 0..<0
            case .last: rows = s.tokens.isEmpty ? 0..<0 : (s.tokens.count - 1)..<s.tokens.count
            case .all: rows = 0..<s.tokens.count
            }
            var picked = Tensor(zeros: [rows.count, c.hiddenSize])
            Elementwise.copyRows(ws.x, from: offsets[i] + rows.lowerBound, count: rows.count, into: &picked, to: 0)
            var normed = Tensor(zeros: [0])
            Elementwise.rmsNorm(picked, weight: weights.norm, eps: c.rmsNormEpsilon, into: &normed)
            outputs.append(normed)
        }
        return outputs
    }

    /// Logits of several streams' hidden rows in ONE pass over lm_head (the CFG pair):
    /// the rows of `hiddens` stacked in order → [Σ rows, vocabulary.count].
    public func logits(stacking hiddens: [Tensor], vocabulary: Range<Int>? = nil, workspace ws: ForwardWorkspace) -> Tensor {
        let rows = hiddens.reduce(0) { $0 + $1.shape[0] }
        var stacked = Tensor(zeros: [rows, configuration.hiddenSize])
        var at = 0
        for h in hiddens {
            Elementwise.copyRows(h, from: 0, count: h.shape[0], into: &stacked, to: at)
            at += h.shape[0]
        }
        return logits(stacked, vocabulary: vocabulary, workspace: ws)
    }

    /// logits [rows, vocabulary.count] = hidden [rows, d] · lm_headᵀ for the chosen vocabulary
    /// rows only (e.g. just the visual ids at image steps: spec §6.3, §6.6).
    /// - Parameter vocabulary: lm_head rows to compute (default: all).
    public func logits(_ hidden: Tensor, vocabulary: Range<Int>? = nil, workspace ws: ForwardWorkspace) -> Tensor {
        var out = Tensor(zeros: [0])
        Linear.apply(weights.lmHead, rows: vocabulary, input: hidden, output: &out, scratch: &ws.widen, threads: threads)
        return out
    }
}
