// Parity with tiktoken 0.14.0 on the real qwen.tiktoken (goldens: tools/make_text_goldens.py).
// Token ids must be identical: no tolerance.

import Foundation
import Testing
@testable import TextTokenizerEngine

@Suite struct QwenParityTests {
    @Test func corpusIsLargeAndVaried() throws {
        let goldens = try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self)
        #expect(goldens.count >= 2000)
        #expect(goldens.contains { $0.text.isEmpty })
        #expect(goldens.contains { $0.text.unicodeScalars.count >= 10_000 })
        #expect(goldens.contains { $0.text.contains("\r\n") })
    }

    @Test func plainEncodingMatchesTiktokenOnEveryLine() throws {
        let tokenizer = try Fixtures.qwen.get()
        let goldens = try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self)
        let checked = expectGoldens(goldens, { $0.ids }, { tokenizer.encode($0) })
        #expect(checked == goldens.count)
    }

    @Test func encodingWithSpecialsAllowedMatchesTiktoken() throws {
        let tokenizer = try Fixtures.qwen.get()
        let goldens = try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self)
        let checked = expectGoldens(goldens, { $0.ids_special }, { tokenizer.encode($0, allowSpecial: true) })
        #expect(checked > 50)
    }

    @Test func decodeOfEncodeIsIdentity() throws {
        let tokenizer = try Fixtures.qwen.get()
        for golden in try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self) {
            #expect(try tokenizer.decode(golden.ids) == golden.text)
            if let special = golden.ids_special { #expect(try tokenizer.decode(special) == golden.text) }
        }
    }

    /// `ids` = tiktoken(NFC(text)) (the engine's default, like Emu3); `ids_raw` = tiktoken(text).
    @Test func normalisationModes() throws {
        let nfc = try Fixtures.qwen.get()
        let raw = try Fixtures.qwenRaw.get()
        let goldens = try Fixtures.lines("nfc_goldens.jsonl", as: Fixtures.Golden.self)
        #expect(goldens.count >= 20)
        _ = expectGoldens(goldens, { $0.ids }, { nfc.encode($0) })
        _ = expectGoldens(goldens, { $0.ids_raw }, { raw.encode($0) })
    }

    /// Invalid UTF-8 decodes like Python's `bytes.decode("utf-8", errors="replace")`.
    @Test func decodeReplacesInvalidUTF8AsPython() throws {
        let tokenizer = try Fixtures.qwen.get()
        let goldens = try Fixtures.lines("qwen_decode_goldens.jsonl", as: Fixtures.DecodeGolden.self)
        #expect(goldens.count == 300)
        var mismatches = 0
        for golden in goldens where try tokenizer.decode(golden.ids) != golden.text {
            mismatches += 1
            if mismatches <= 3 { Issue.record("ids \(golden.ids): got \(try tokenizer.decode(golden.ids).debugDescription)") }
        }
        #expect(mismatches == 0)
    }

    /// The flat O(n²) merge and the heap merge give the same ids (the heap one is used only
    /// for pieces over `flatMergeLimit` bytes, so force it on every piece of the corpus).
    @Test func heapMergeEqualsFlatMerge() throws {
        let tokenizer = try Fixtures.qwen.get()
        let vocabulary = tokenizer.vocabulary
        var scratch = MergeScratch()
        for golden in try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self).prefix(1200) {
            var bytes = Array(golden.text.utf8)
            guard bytes.count >= 2 else { continue }
            // One piece per 2…40-byte window, merged both ways, without pre-tokenising.
            var start = 0
            while start + 2 <= bytes.count {
                let end = min(bytes.count, start + 2 + (start * 7) % 39)
                var flat: [Int32] = []
                var heap: [Int32] = []
                bytes.withUnsafeMutableBufferPointer { buffer in
                    let p = UnsafePointer(buffer.baseAddress!)
                    vocabulary.rules.flatMerge(p, start, end, vocabulary.byteIDs, &scratch, &flat)
                    vocabulary.rules.heapMerge(p, start, end, vocabulary.byteIDs, &scratch, &heap)
                }
                #expect(flat == heap)
                start = end
            }
        }
    }

    @Test func vocabularyFactsMatchTheSpec() throws {
        let tokenizer = try Fixtures.qwen.get()
        #expect(tokenizer.vocabularySize == 184_622)
        #expect(tokenizer.preTokenizerPattern == .qwen)
        #expect(tokenizer.normalization == .nfc)
        // Spec §7.2: digits one per token, so "90*90" is five tokens.
        #expect(tokenizer.encode("90*90").count == 5)
        #expect(tokenizer.tokenID(for: "hello") != nil)
        #expect(tokenizer.tokenID(for: "<|extra_203|>") == 151_849)
    }
}
