import Tensor
import Testing
@testable import BackboneEngine

/// Float32 engine vs the Double reference on the same weights: max |Δlogit| relative to
/// max |logit| (the F32 bar).
let f32RelativeTolerance = 1e-4

@Suite("Decoder forward vs a Double reference")
struct ForwardTests {
    static let sequence: [Int32] = [1, 9, 22, 5, 30, 3, 17, 2, 0, 39, 8, 12, 33, 6, 7, 21]

    static let shapes: [(String, Emu3TextConfiguration)] = [
        ("GQA 4/2", TinyModel.configuration()),
        ("MHA 4/4", TinyModel.configuration(heads: 4, kvHeads: 4)),
        ("MQA 4/1, 3 layers", TinyModel.configuration(heads: 4, kvHeads: 1, layers: 3)),
        ("tied head", TinyModel.configuration(tied: true)),
        ("8 heads of 4", TinyModel.configuration(heads: 8, kvHeads: 2, hidden: 32)),
    ]

    @Test("all-position logits match for several head layouts", arguments: 0..<shapes.count)
    func matchesReference(shape: Int) throws {
        let model = TinyModel(config: Self.shapes[shape].1, seed: UInt64(shape + 5))
        let reference = model.referenceLogits(Self.sequence).flatMap { $0 }
        let logits = try model.engine().logits(tokens: Self.sequence, allPositions: true)
        #expect(logits.shape == [Self.sequence.count, 40])
        #expect(maxAbsDiff(logits.scalars, reference) <= f32RelativeTolerance * maxAbs(reference), "\(Self.shapes[shape].0)")
    }

    @Test("16-bit weights compute in f32 on the rounded values", arguments: [DType.bf16, .f16])
    func sixteenBitWeights(dtype: DType) throws {
        let model = TinyModel(seed: 3, dtype: dtype)
        let reference = model.referenceLogits(Self.sequence).flatMap { $0 }
        let logits = try model.engine().logits(tokens: Self.sequence, allPositions: true)
        #expect(maxAbsDiff(logits.scalars, reference) <= f32RelativeTolerance * maxAbs(reference))
        #expect(try model.engine().model.weightDType == dtype)
    }

    @Test("the three tensor namings load the same model", arguments: Emu3TensorNames.schemes.indices)
    func namings(scheme: Int) throws {
        let (prefix, head) = Emu3TensorNames.schemes[scheme]
        let model = TinyModel(seed: 9, prefix: prefix, head: head)
        let reference = model.referenceLogits(Self.sequence).last!
        let logits = try model.engine().logits(tokens: Self.sequence)
        #expect(maxAbsDiff(logits.scalars, reference) <= f32RelativeTolerance * maxAbs(reference))
    }

    @Test("one token at a time through the cache equals one pass")
    func incrementalEqualsFull() throws {
        let model = TinyModel(seed: 4)
        let engine = try model.engine()
        let full = try engine.logits(tokens: Self.sequence, allPositions: true).scalars
        let cache = engine.model.makeCache(initialCapacity: 2)  // forces growth
        let ws = ForwardWorkspace()
        var incremental: [Float] = []
        var i = 0
        for n in [3, 1, 1, 4, 1, 6] {  // mixed chunk sizes
            let h = try engine.model.forward(
                [StreamStep(cache: cache, tokens: Array(Self.sequence[i..<(i + n)]), output: .all)], workspace: ws)[0]
            incremental += engine.model.logits(h, workspace: ws).scalars
            i += n
        }
        #expect(cache.count == Self.sequence.count && cache.nextPosition == Self.sequence.count)
        #expect(maxAbsDiff(incremental, full.map(Double.init)) <= f32RelativeTolerance * Double(full.map(abs).max()!))
    }

    @Test("chunked prefill gives the same logits")
    func chunkedPrefill() throws {
        let model = TinyModel(seed: 4)
        let whole = try model.engine().logits(tokens: Self.sequence, allPositions: true).scalars
        let chunked = try model.engine(prefillChunk: 5).logits(tokens: Self.sequence, allPositions: true).scalars
        #expect(maxAbsDiff(chunked, whole.map(Double.init)) <= 1e-5 * Double(whole.map(abs).max()!))
    }

    @Test("a ragged batch gives each stream its own result")
    func raggedBatch() throws {
        let model = TinyModel(seed: 6)
        let engine = try model.engine()
        let a = Array(Self.sequence[0..<11]), b = Array(Self.sequence[4..<9])
        let ws = ForwardWorkspace()
        let caches = [engine.model.makeCache(), engine.model.makeCache()]
        let hidden = try engine.model.forward(
            [StreamStep(cache: caches[0], tokens: a, output: .last), StreamStep(cache: caches[1], tokens: b, output: .last)],
            workspace: ws)
        for (h, seq) in zip(hidden, [a, b]) {
            let alone = model.referenceLogits(seq).last!
            #expect(maxAbsDiff(engine.model.logits(h, workspace: ws).scalars, alone) <= f32RelativeTolerance * maxAbs(alone))
        }
        // A decode step of both streams together (m = 2 through the row kernel).
        let next = try engine.model.forward(
            [StreamStep(cache: caches[0], tokens: [13], output: .last), StreamStep(cache: caches[1], tokens: [14], output: .last)],
            workspace: ws)
        for (h, seq) in zip(next, [a + [13], b + [14]]) {
            let alone = model.referenceLogits(seq).last!
            #expect(maxAbsDiff(engine.model.logits(h, workspace: ws).scalars, alone) <= f32RelativeTolerance * maxAbs(alone))
        }
    }

    @Test("a left-padded batch of two gives each row's logits alone")
    func paddedBatch() throws {
        let model = TinyModel(seed: 8)
        let engine = try model.engine()
        let a = Array(Self.sequence[0..<12]), b = Array(Self.sequence[5..<9])
        let rows: [[Int32]] = [a, Array(repeating: 0, count: 8) + b]
        let mask: [[Int32]] = [Array(repeating: 1, count: 12), Array(repeating: 0, count: 8) + Array(repeating: 1, count: 4)]
        let logits = try engine.paddedBatchLogits(rows: rows, attentionMask: mask)
        for (i, seq) in [a, b].enumerated() {
            let alone = model.referenceLogits(seq).last!
            let row = Array(logits.scalars[(i * 40)..<((i + 1) * 40)])
            #expect(maxAbsDiff(row, alone) <= f32RelativeTolerance * maxAbs(alone))
        }
    }

    @Test("decoding after a left-padded prefill keeps the padding masked")
    func decodeAfterPadding() throws {
        let model = TinyModel(seed: 10)
        let engine = try model.engine()
        let prompt = Array(Self.sequence[0..<6])
        let cache = engine.model.makeCache(initialCapacity: 4)
        let ws = ForwardWorkspace()
        var h = try engine.model.forward(
            [StreamStep(cache: cache, tokens: [0, 0, 0] + prompt, padding: [true, true, true] + Array(repeating: false, count: 6),
                        output: .last)], workspace: ws)
        var seq = prompt
        for next: Int32 in [11, 12, 13, 14] {
            let alone = model.referenceLogits(seq).last!
            #expect(maxAbsDiff(engine.model.logits(h[0], workspace: ws).scalars, alone) <= f32RelativeTolerance * maxAbs(alone))
            h = try engine.model.forward([StreamStep(cache: cache, tokens: [next], output: .last)], workspace: ws)
            seq.append(next)
        }
        #expect(cache.isPadding == [true, true, true] + Array(repeating: false, count: 10))
        #expect(cache.nextPosition == 10)
    }

    @Test("rows kernel and GEMM path agree on a longer prompt (m above the row-kernel limit)")
    func gemmPathAgrees() throws {
        let model = TinyModel(seed: 12, dtype: .bf16)
        let engine = try model.engine()
        let long = Array((Self.sequence + Self.sequence.reversed() + Self.sequence).prefix(40))
        let reference = model.referenceLogits(long).last!
        let logits = try engine.logits(tokens: long).scalars
        #expect(maxAbsDiff(logits, reference) <= f32RelativeTolerance * maxAbs(reference))
    }
}
