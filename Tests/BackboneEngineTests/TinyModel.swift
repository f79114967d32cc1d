import Foundation
import Tensor
@testable import BackboneEngine

/// Deterministic numbers for building test weights (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Roughly normal (sum of 4 uniforms, variance 1).
    mutating func normal() -> Float {
        var s: Float = 0
        for _ in 0..<4 { s += Float(next() >> 40) / Float(1 << 24) - 0.5 }
        return s * Float(3).squareRoot()
    }
    mutating func normals(_ n: Int, scale: Float) -> [Float] { (0..<n).map { _ in normal() * scale } }
}

/// A small random Emu3 backbone built in memory: 40 ids (pad 0, bos 1, eos 2, eol 3, eof 4,
/// image token 5, image start 6, image end 7, visual 8..<40).
/// `@unchecked Sendable`: shared instances are never mutated after `init` (tests that remove
/// tensors build their own).
struct TinyModel: @unchecked Sendable {
    static let tokens = Emu3SpecialTokens(
        pad: 0, bos: 1, eos: [2], eol: 3, eof: 4, imageToken: 5, imageStart: 6, imageEnd: 7, visualIds: Array(8..<40))

    static func configuration(
        heads: Int = 4, kvHeads: Int = 2, layers: Int = 2, hidden: Int = 16, tied: Bool = false, maxPositions: Int = 96
    ) -> Emu3TextConfiguration {
        try! Emu3TextConfiguration(
            vocabularySize: 40, hiddenSize: hidden, intermediateSize: 24, layerCount: layers, headCount: heads,
            kvHeadCount: kvHeads, rmsNormEpsilon: 1e-5, ropeTheta: 1e4, maxPositionEmbeddings: maxPositions,
            tieWordEmbeddings: tied, tokens: tokens)
    }

    let config: Emu3TextConfiguration
    /// Weights as Float32 (already rounded when built in a 16-bit type), by original name.
    var weights: [String: [Float]] = [:]
    let source = InMemoryTensorSource()

    init(config: Emu3TextConfiguration = TinyModel.configuration(), seed: UInt64 = 1, dtype: DType = .f32,
         prefix: String = "model.", head: String = "lm_head.weight") {
        self.config = config
        var rng = TestRandom(seed: seed)
        let c = config
        let d = c.hiddenSize
        func add(_ name: String, _ shape: [Int], scale: Float, offset: Float = 0) {
            let values = rng.normals(shape.reduce(1, *), scale: scale).map { $0 + offset }
            let rows = shape.count == 2 ? shape[0] : 1
            let m = WeightMatrix(values: values, rows: rows, cols: shape.last!, dtype: dtype)
            source.add(name, shape: shape, matrix: m)
            weights[name] = m.floats()
        }
        add(prefix + "embed_tokens.weight", [c.vocabularySize, d], scale: 1)
        for i in 0..<c.layerCount {
            let p = "\(prefix)layers.\(i)."
            add(p + "self_attn.q_proj.weight", [c.headCount * c.headDim, d], scale: 1 / Float(d).squareRoot())
            add(p + "self_attn.k_proj.weight", [c.kvHeadCount * c.headDim, d], scale: 1 / Float(d).squareRoot())
            add(p + "self_attn.v_proj.weight", [c.kvHeadCount * c.headDim, d], scale: 1 / Float(d).squareRoot())
            add(p + "self_attn.o_proj.weight", [d, c.headCount * c.headDim], scale: 1 / Float(d).squareRoot())
            add(p + "mlp.gate_proj.weight", [c.intermediateSize, d], scale: 1 / Float(d).squareRoot())
            add(p + "mlp.up_proj.weight", [c.intermediateSize, d], scale: 1 / Float(d).squareRoot())
            add(p + "mlp.down_proj.weight", [d, c.intermediateSize], scale: 1 / Float(c.intermediateSize).squareRoot())
            add(p + "input_layernorm.weight", [d], scale: 0.2, offset: 1)
            add(p + "post_attention_layernorm.weight", [d], scale: 0.2, offset: 1)
        }
        add(prefix + "norm.weight", [d], scale: 0.2, offset: 1)
        if !c.tieWordEmbeddings { add(head, [c.vocabularySize, d], scale: 2 / Float(d).squareRoot()) }
        prefixName = prefix
        headName = head
    }

    private(set) var prefixName = "model."
    private(set) var headName = "lm_head.weight"

    func engine(threads: Int = 2, prefillChunk: Int = 512) throws(BackboneError) -> BackboneEngine {
        try BackboneEngine(configuration: config, source: source, threads: ComputeThreads(threads), prefillChunk: prefillChunk)
    }

    // MARK: - Reference forward (Double, straight from spec §2.2–2.3)

    /// Logits at every position of `tokens` (positions 0…L−1).
    func referenceLogits(_ tokens: [Int32]) -> [[Double]] {
        let c = config
        let d = c.hiddenSize, hd = c.headDim, H = c.headCount, KV = c.kvHeadCount
        let p = prefixName
        func w(_ n: String) -> [Double] { weights[n]!.map(Double.init) }
        func linear(_ x: [Double], _ m: [Double], out: Int) -> [Double] {
            let k = x.count
            return (0..<out).map { r in (0..<k).reduce(0.0) { $0 + m[r * k + $1] * x[$1] } }
        }
        func rms(_ x: [Double], _ g: [Double], eps: Double) -> [Double] {
            let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
            return zip(x, g).map { $1 * $0 / (ms + eps).squareRoot() }
        }
        let rope = RotaryEmbedding(headDim: hd, base: c.ropeTheta)
        let embed = w(p + "embed_tokens.weight")
        var xs = tokens.map { t in Array(embed[(Int(t) * d)..<((Int(t) + 1) * d)]) }
        let eps = Double(c.rmsNormEpsilon)
        for l in 0..<c.layerCount {
            let lp = "\(p)layers.\(l)."
            var keys: [[Double]] = [], values: [[Double]] = [], queries: [[Double]] = []
            for (pos, x) in xs.enumerated() {
                let a = rms(x, w(lp + "input_layernorm.weight"), eps: eps)
                var q = linear(a, w(lp + "self_attn.q_proj.weight"), out: H * hd)
                var k = linear(a, w(lp + "self_attn.k_proj.weight"), out: KV * hd)
                let v = linear(a, w(lp + "self_attn.v_proj.weight"), out: KV * hd)
                let table = rope.table(positions: [pos])  // f32 angles, as the reference (§9.29)
                func rotate(_ v: inout [Double], heads: Int) {
                    for h in 0..<heads {
                        for i in 0..<(hd / 2) {
                            let a = v[h * hd + i], b = v[h * hd + i + hd / 2]
                            let cs = Double(table.cos[i]), sn = Double(table.sin[i])
                            v[h * hd + i] = a * cs - b * sn
                            v[h * hd + i + hd / 2] = b * cs + a * sn
                        }
                    }
                }
                rotate(&q, heads: H)
                rotate(&k, heads: KV)
                queries.append(q)
                keys.append(k)
                values.append(v)
            }
            for t in 0..<xs.count {
                var o = [Double](repeating: 0, count: H * hd)
                for h in 0..<H {
                    let g = h / (H / KV)
                    let scores = (0...t).map { j in
                        (0..<hd).reduce(0.0) { $0 + queries[t][h * hd + $1] * keys[j][g * hd + $1] } / Double(hd).squareRoot()
                    }
                    let m = scores.max()!
                    let e = scores.map { Foundation.exp($0 - m) }
                    let s = e.reduce(0, +)
                    for j in 0...t { for i in 0..<hd { o[h * hd + i] += e[j] / s * values[j][g * hd + i] } }
                }
                let proj = linear(o, w(lp + "self_attn.o_proj.weight"), out: d)
                xs[t] = zip(xs[t], proj).map(+)
                let b = rms(xs[t], w(lp + "post_attention_layernorm.weight"), eps: eps)
                let gate = linear(b, w(lp + "mlp.gate_proj.weight"), out: c.intermediateSize)
                let up = linear(b, w(lp + "mlp.up_proj.weight"), out: c.intermediateSize)
                let act = zip(gate, up).map { $0 / (1 + Foundation.exp(-$0)) * $1 }
                xs[t] = zip(xs[t], linear(act, w(lp + "mlp.down_proj.weight"), out: d)).map(+)
            }
        }
        let head = c.tieWordEmbeddings ? embed : w(headName)
        return xs.map { linear(rms($0, w(p + "norm.weight"), eps: eps), head, out: c.vocabularySize) }
    }
}

func maxAbs(_ a: [Double]) -> Double { a.map(abs).max() ?? 0 }
func maxAbsDiff(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    return zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}
