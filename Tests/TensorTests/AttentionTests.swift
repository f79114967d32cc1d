import Foundation
import Testing
@testable import Tensor

/// f32 attention vs a Double reference over at most a few dozen keys.
let attentionTolerance: Float = 2e-5

@Suite("Attention, RoPE, KV cache, work split")
struct AttentionTests {
    /// Naive causal GQA attention for the new queries over `keys`/`values` [slots][kvHeads·d].
    static func reference(
        q: [Float], tokens: Int, heads: Int, kvHeads: Int, d: Int, keys: [[Float]], values: [[Float]], visible: [Bool]
    ) -> [Float] {
        var out = [Float](repeating: 0, count: tokens * heads * d)
        let first = keys.count - tokens
        for t in 0..<tokens {
            for h in 0..<heads {
                let g = h / (heads / kvHeads)
                let slots = (0...(first + t)).filter { visible[$0] }
                guard !slots.isEmpty else { continue }
                let scores = slots.map { j in
                    (0..<d).reduce(0.0) { $0 + Double(q[(t * heads + h) * d + $1]) * Double(keys[j][g * d + $1]) } / Double(d).squareRoot()
                }
                let m = scores.max()!
                let e = scores.map { Foundation.exp($0 - m) }
                let s = e.reduce(0, +)
                for (n, j) in slots.enumerated() {
                    for i in 0..<d { out[(t * heads + h) * d + i] += Float(e[n] / s) * values[j][g * d + i] }
                }
            }
        }
        return out
    }

    @Test("decode and prefill paths, with and without padding, match the reference",
          arguments: [(1, false), (3, false), (12, false), (1, true), (12, true)])
    func matchesReference(tokens: Int, padded: Bool) {
        var rng = TestRandom(seed: UInt64(tokens * 2 + (padded ? 1 : 0)))
        let (heads, kvHeads, d, earlier) = (4, 2, 8, 5)
        let cache = KVCache(layers: 1, kvHeads: kvHeads, headDim: d, maxTokens: 64, initialCapacity: 2)
        var keys: [[Float]] = [], values: [[Float]] = []
        var visible: [Bool] = []
        // Earlier tokens (the first two are padding when `padded`).
        let kOld = rng.floats(earlier * kvHeads * d), vOld = rng.floats(earlier * kvHeads * d)
        try! cache.reserve(earlier)
        cache.store(layer: 0, k: try! Tensor(shape: [earlier, kvHeads * d], values: kOld),
                    v: try! Tensor(shape: [earlier, kvHeads * d], values: vOld), rowStart: 0, tokens: earlier)
        let oldPadding = (0..<earlier).map { padded && $0 < 2 }
        cache.commit(earlier, padding: oldPadding)
        for j in 0..<earlier {
            keys.append(Array(kOld[(j * kvHeads * d)..<((j + 1) * kvHeads * d)]))
            values.append(Array(vOld[(j * kvHeads * d)..<((j + 1) * kvHeads * d)]))
            visible.append(!oldPadding[j])
        }
        #expect(cache.isPadding == (padded ? oldPadding : []))
        // New tokens.
        let kNew = rng.floats(tokens * kvHeads * d), vNew = rng.floats(tokens * kvHeads * d)
        let q = rng.floats(tokens * heads * d)
        try! cache.reserve(tokens)
        cache.store(layer: 0, k: try! Tensor(shape: [tokens, kvHeads * d], values: kNew),
                    v: try! Tensor(shape: [tokens, kvHeads * d], values: vNew), rowStart: 0, tokens: tokens)
        for j in 0..<tokens {
            keys.append(Array(kNew[(j * kvHeads * d)..<((j + 1) * kvHeads * d)]))
            values.append(Array(vNew[(j * kvHeads * d)..<((j + 1) * kvHeads * d)]))
            visible.append(true)
        }
        var out = Tensor(zeros: [tokens, heads * d])
        var scratch = Tensor(zeros: [0])
        Attention.causal(q: try! Tensor(shape: [tokens, heads * d], values: q), rowStart: 0, tokens: tokens, heads: heads,
                         cache: cache, layer: 0, newPadding: nil, out: &out, scratch: &scratch, threads: ComputeThreads(2))
        let expected = Self.reference(q: q, tokens: tokens, heads: heads, kvHeads: kvHeads, d: d, keys: keys,
                                      values: values, visible: visible)
        #expect(maxAbsDiff(out.scalars, expected) < attentionTolerance)
        cache.commit(tokens)
        #expect(cache.count == earlier + tokens && cache.capacity >= cache.count)
    }

    @Test("a query that sees only padding gets zeros")
    func allPadding() {
        let cache = KVCache(layers: 1, kvHeads: 1, headDim: 4, maxTokens: 8)
        try! cache.reserve(2)
        let kv = try! Tensor(shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8])
        cache.store(layer: 0, k: kv, v: kv, rowStart: 0, tokens: 2)
        var out = Tensor(zeros: [2, 4])
        var scratch = Tensor(zeros: [0])
        Attention.causal(q: kv, rowStart: 0, tokens: 2, heads: 1, cache: cache, layer: 0, newPadding: [true, false],
                         out: &out, scratch: &scratch, threads: .single)
        #expect(Array(out.scalars[0..<4]) == [0, 0, 0, 0])
        #expect(Array(out.scalars[4..<8]) == [5, 6, 7, 8])  // only itself is visible
    }

    @Test("the cache refuses to pass its limit")
    func cacheLimit() {
        let cache = KVCache(layers: 2, kvHeads: 1, headDim: 2, maxTokens: 5)
        #expect(throws: KVCacheError.full(cached: 0, requested: 6, maxTokens: 5)) { try cache.reserve(6) }
        #expect(throws: Never.self) { try cache.reserve(5) }
    }

    @Test("rotate-half RoPE: pairs (i, i + d/2), angle p·θᵢ with θᵢ = base^(−2i/d)")
    func rope() {
        let r = RotaryEmbedding(headDim: 4, base: 100)
        #expect(r.inverseFrequencies == [1, 0.1])
        var x = try! Tensor(shape: [1, 4], values: [1, 2, 3, 4])
        r.apply(&x, heads: 1, table: r.table(positions: [3]))
        let (c0, s0, c1, s1) = (Float(cos(3.0)), Float(sin(3.0)), Float(cos(0.3)), Float(sin(0.3)))
        let expected: [Float] = [1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1]
        #expect(maxAbsDiff(x.scalars, expected) < 1e-5)
    }

    @Test("work split covers the range once, aligned, and stays whole for small jobs")
    func chunks() {
        let t = ComputeThreads(3)
        for (total, align, minChunk) in [(1000, 4, 64), (17, 4, 1), (5, 1, 64), (4096, 16, 256)] {
            let r = t.chunkRanges(total: total, alignment: align, minChunk: minChunk)
            #expect(r.first?.lowerBound == 0 && r.last?.upperBound == total)
            #expect(zip(r, r.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(r.allSatisfy { $0.lowerBound % align == 0 })
            #expect(r.count <= 3 * ComputeThreads.chunksPerWorker)
        }
        #expect(t.chunkRanges(total: 5, alignment: 1, minChunk: 64).count == 1)
    }
}
