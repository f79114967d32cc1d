// The hand-written regex scanners against the pieces a regex Split makes in HF `tokenizers`
// (Oniguruma, goldens in tiny_goldens.jsonl), plus cases whose answer follows from the
// regex by hand. (tiktoken's fancy-regex does not expose pieces; its ids are checked in
// QwenParityTests.)

import Testing
@testable import TextTokenizerEngine

/// UTF-8 byte lengths of the pieces of `text`.
func pieceLengths(_ text: String, _ pattern: PreTokenizerPattern) -> [Int] {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> [Int] in
        guard let p = buffer.baseAddress else { return [] }
        var scanner = PieceScanner(p, start: 0, end: buffer.count, pattern: pattern)
        var lengths: [Int] = []
        var start = 0
        while let end = scanner.nextEnd() {
            lengths.append(end - start)
            start = end
        }
        return lengths
    }
}

func pieces(_ text: String, _ pattern: PreTokenizerPattern) -> [String] {
    let bytes = Array(text.utf8)
    var out: [String] = []
    var start = 0
    for length in pieceLengths(text, pattern) {
        out.append(String(decoding: bytes[start..<(start + length)], as: UTF8.self))
        start += length
    }
    return out
}

@Suite struct PreTokenizerTests {
    @Test(arguments: PreTokenizerPattern.allCases)
    func piecesMatchOnigurumaOnTheCorpus(pattern: PreTokenizerPattern) throws {
        let goldens = try Fixtures.lines("tiny_goldens.jsonl", as: Fixtures.Golden.self)
        var mismatches = 0
        for golden in goldens {
            let want = pattern == .qwen ? golden.qwen_pieces : golden.gpt2_pieces
            let got = pieceLengths(golden.text, pattern)
            if got != want {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(golden.text.debugDescription.prefix(120)): got \(got.prefix(30)) want \(want?.prefix(30) ?? [])")
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func qwenHandCases() {
        #expect(pieces("DON'T", .qwen) == ["DON", "'T"])
        #expect(pieces("I'LL go", .qwen) == ["I", "'LL", " go"])
        #expect(pieces("'ſa", .qwen) == ["'ſ", "a"])  // (?i)s folds ſ (U+017F) in the Rust regex crate
        #expect(pieces("12345", .qwen) == ["1", "2", "3", "4", "5"])
        #expect(pieces("a   b", .qwen) == ["a", "  ", " b"])
        #expect(pieces("a \n\n b", .qwen) == ["a", " \n\n", " b"])
        #expect(pieces("x  ", .qwen) == ["x", "  "])
        #expect(pieces("\thello", .qwen) == ["\thello"])
        #expect(pieces("(hello", .qwen) == ["(hello"])
        #expect(pieces("a, b!!\r\n", .qwen) == ["a", ",", " b", "!!\r\n"])
        #expect(pieces(" ...", .qwen) == [" ..."])
        #expect(pieces("\u{3000}word", .qwen) == ["\u{3000}word"])
        // Virama and vowel signs are marks (Mn/Mc), not letters: a mark may prefix a letter run.
        #expect(pieces("नमस्ते", .qwen) == ["नमस", "\u{094D}त", "\u{0947}"])
        #expect(pieces("", .qwen).isEmpty)
    }

    @Test func gpt2HandCases() {
        #expect(pieces("DON'T", .gpt2) == ["DON", "'", "T"])
        #expect(pieces("don't", .gpt2) == ["don", "'t"])
        #expect(pieces("12345 678", .gpt2) == ["12345", " 678"])
        #expect(pieces("a   b", .gpt2) == ["a", "  ", " b"])
        // \s+(?!\S) leaves the last newline, which \s+ then takes alone (no [\r\n] rule in GPT-2).
        #expect(pieces("a\n\nb", .gpt2) == ["a", "\n", "\n", "b"])
        #expect(pieces("a\n\nb", .qwen) == ["a", "\n\n", "b"])
        #expect(pieces("\thello", .gpt2) == ["\t", "hello"])
    }
}
