// Parity with HF `tokenizers` 0.23.3 on a tiny byte-level BPE trained by
// tools/make_text_goldens.py: `tiny_tokenizer.json` has the Qwen Split pre-tokenizer, NFC and
// [a, b] merges; `tiny_tokenizer_gpt2.json` the GPT-2 ByteLevel pre-tokenizer and "a b" merges.
// Token ids must be identical: no tolerance.

import Foundation
import Testing
@testable import TextTokenizerEngine

@Suite struct TokenizerJSONParityTests {
    static let files = ["tiny_tokenizer.json", "tiny_tokenizer_gpt2.json"]

    @Test(arguments: files)
    func loadsTheDeclaredSettingsAndSpecialIDs(file: String) throws {
        let tokenizer = try TextTokenizer(tokenizerJSONFile: Fixtures.url(file))
        let gpt2 = file.contains("gpt2")
        #expect(tokenizer.preTokenizerPattern == (gpt2 ? .gpt2 : .qwen))
        #expect(tokenizer.normalization == (gpt2 ? .none : .nfc))
        let special = try tokenizer.specialTokens()
        // Emu3 layout after a 2,000-token BPE: 3 Qwen specials, 205 extras, 3 image markers, 64 visual.
        #expect(special.pad == 2000)
        #expect(special.bos == 2000 + 3 + 203)
        #expect(special.eos == 2000 + 3 + 204)
        #expect(special.eol == 2000 + 3 + 200)
        #expect(special.eof == 2000 + 3 + 201)
        #expect(special.imageToken == 2208)
        #expect(special.imageStart == 2209)
        #expect(special.imageEnd == 2210)
        #expect(special.visualOffset == 2211)
        #expect(special.visualCount == 64)
        #expect(special.vocabularySize == 2275)
        #expect(tokenizer.vocabularySize == 2275)
    }

    @Test(arguments: files)
    func encodingMatchesTokenizersOnEveryLine(file: String) throws {
        let tokenizer = try TextTokenizer(tokenizerJSONFile: Fixtures.url(file))
        let goldens = try Fixtures.lines("tiny_goldens.jsonl", as: Fixtures.Golden.self)
        #expect(goldens.count >= 2000)
        let gpt2 = file.contains("gpt2")
        let plain = expectGoldens(goldens, { gpt2 ? $0.gpt2_ids : $0.ids }, { tokenizer.encode($0) })
        let special = expectGoldens(goldens, { gpt2 ? $0.gpt2_ids_special : $0.ids_special },
                                    { tokenizer.encode($0, allowSpecial: true) })
        #expect(plain == goldens.count && special == goldens.count)
    }

    @Test(arguments: files)
    func decodeOfEncodeIsIdentity(file: String) throws {
        let tokenizer = try TextTokenizer(tokenizerJSONFile: Fixtures.url(file))
        for golden in try Fixtures.lines("tiny_goldens.jsonl", as: Fixtures.Golden.self) {
            #expect(try tokenizer.decode(tokenizer.encode(golden.text)) == golden.text)
            #expect(try tokenizer.decode(tokenizer.encode(golden.text, allowSpecial: true)) == golden.text)
        }
    }

    @Test func decodeMatchesTokenizers() throws {
        let tokenizer = try Fixtures.tiny.get()
        let goldens = try Fixtures.lines("tiny_decode_goldens.jsonl", as: Fixtures.DecodeGolden.self)
        #expect(goldens.count == 100)
        for golden in goldens {
            #expect(try tokenizer.decode(golden.ids) == golden.text)
            #expect(try tokenizer.decode(golden.ids, skipSpecial: true) == golden.text_skip)
        }
    }
}
