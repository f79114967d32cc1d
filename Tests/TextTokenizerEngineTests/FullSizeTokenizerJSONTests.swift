// The tokenizer.json loader at full scale: qwen.tiktoken converted the way transformers
// converts the Emu3 `*-hf` tokenizers (spec §7.5), with the Qwen pattern and Emu3 specials.
// The file is ~25 MB and made by tools/make_qwen_tokenizer_json.py, so it is not committed;
// this test runs only when it is present (the tiny tokenizer.json tests always run).

import Foundation
import Testing
@testable import TextTokenizerEngine

@Suite(.enabled(if: FileManager.default.fileExists(atPath: Fixtures.qwenTokenizerJSONPath),
                "run tools/make_qwen_tokenizer_json.py to make the full-size tokenizer.json"))
struct FullSizeTokenizerJSONTests {
    @Test func convertedQwenTokenizerMatchesTiktoken() throws {
        let tokenizer = try TextTokenizer(tokenizerJSONFile: URL(fileURLWithPath: Fixtures.qwenTokenizerJSONPath))
        #expect(tokenizer.vocabularySize == 184_622)
        #expect(tokenizer.preTokenizerPattern == .qwen)
        let special = try tokenizer.specialTokens()
        #expect(special.bos == 151_849 && special.visualOffset == 151_854 && special.visualCount == 32_768)
        let goldens = try Fixtures.lines("qwen_goldens.jsonl", as: Fixtures.Golden.self)
        _ = expectGoldens(goldens, { $0.ids }, { tokenizer.encode($0) })
        _ = expectGoldens(goldens, { $0.ids_special }, { tokenizer.encode($0, allowSpecial: true) })
    }
}
