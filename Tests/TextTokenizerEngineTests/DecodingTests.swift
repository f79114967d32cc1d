// Streaming decode, special-token skipping, and batch encode/decode.

import Testing
@testable import TextTokenizerEngine

@Suite struct DecodingTests {
    /// Feeding ids one at a time gives the same text as decoding them at once, and a
    /// multi-byte character split across tokens is held back until complete.
    @Test func incrementalDecodeEqualsOneShot() throws {
        let tokenizer = try Fixtures.qwen.get()
        let goldens = try Fixtures.lines("qwen_decode_goldens.jsonl", as: Fixtures.DecodeGolden.self)
        for golden in goldens {
            var decoder = tokenizer.makeIncrementalDecoder()
            var text = ""
            for id in golden.ids {
                text += try decoder.append(id)
                #expect(decoder.pendingByteCount <= 3)
            }
            text += decoder.finish()
            #expect(text == golden.text)
        }
    }

    @Test func splitCharacterIsHeldBack() throws {
        let tokenizer = try Fixtures.qwen.get()
        let robot = Array("🤖".utf8)  // 4 bytes, fed as single-byte tokens
        let ids = robot.map { byteID(tokenizer, $0) }
        var decoder = tokenizer.makeIncrementalDecoder()
        #expect(try decoder.append(ids[0]) == "")
        #expect(try decoder.append(Array(ids[1...2])) == "")
        #expect(decoder.pendingByteCount == 3)
        #expect(try decoder.append(ids[3]) == "🤖")
        #expect(try decoder.append(ids[0]) == "")
        #expect(decoder.finish() == "\u{FFFD}")  // never completed
        #expect(decoder.pendingByteCount == 0)
    }

    func byteID(_ tokenizer: TextTokenizer, _ byte: UInt8) -> Int32 {
        Int32(bitPattern: tokenizer.vocabulary.byteIDs[Int(byte)])
    }

    @Test func skipSpecialDropsEverySpecial() throws {
        let tokenizer = try Fixtures.qwen.get()
        let s = try tokenizer.specialTokens()
        let ids = [s.bos] + tokenizer.encode("hi") + [s.visualOffset, s.eol, s.eos]
        #expect(try tokenizer.decode(ids, skipSpecial: true) == "hi")
        #expect(try tokenizer.decode(ids) == "<|extra_203|>hi<|visual token 000000|><|extra_200|><|extra_204|>")
        #expect(tokenizer.isSpecial(s.pad) && !tokenizer.isSpecial(tokenizer.encode("hi")[0]))
    }

    @Test func specialLookingTextIsPlainUnlessAllowed() throws {
        let tokenizer = try Fixtures.qwen.get()
        let s = try tokenizer.specialTokens()
        let plain = tokenizer.encode("<|extra_203|>")
        #expect(plain.count > 1 && !plain.contains(s.bos))
        #expect(tokenizer.encode("<|extra_203|>", allowSpecial: true) == [s.bos])
        #expect(tokenizer.encode("a<|image start|>b", allowSpecial: true).contains(s.imageStart))
    }

    @Test func batchEqualsOneByOne() throws {
        let tokenizer = try Fixtures.qwen.get()
        let texts = try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self).map(\.text)
        let batch = tokenizer.encodeBatch(texts, maxThreads: 4)
        #expect(batch.count == texts.count)
        #expect(batch == texts.map { tokenizer.encode($0) })
        #expect(try tokenizer.decodeBatch(batch) == texts)
        #expect(tokenizer.encodeBatch([]).isEmpty)
        let size = tokenizer.vocabularySize
        #expect(throws: TextTokenizerError.batchItem(index: 1, error: .idOutOfVocabulary(id: Int32(size), vocabularySize: size))) {
            try tokenizer.decodeBatch([[1], [Int32(size)], [-5]])
        }
    }

    /// The BMP class table (with its constant-block shortcuts) equals the Unicode properties.
    @Test func scalarClassTableMatchesProperties() {
        let table = ScalarClassTable.shared
        var mismatches: [UInt32] = []
        for value in 0..<UInt32(0x1_0000) where table.classBits(value) != ScalarClass.compute(value).rawValue {
            mismatches.append(value)
        }
        #expect(mismatches.isEmpty)
    }
}
