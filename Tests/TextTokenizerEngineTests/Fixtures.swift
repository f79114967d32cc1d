// Shared fixtures: the goldens under Tests/Fixtures/text (made by tools/make_text_goldens.py)
// and the Qwen vocabulary, which is fetched, never committed (scripts/fetch-qwen-vocab.sh).

import Foundation
import Testing
@testable import TextTokenizerEngine

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/text")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// `$EMU3_QWEN_VOCAB`, else `${EMU3_CACHE_DIR:-$HOME/.cache/emu3-swift}/qwen.tiktoken`.
    static var qwenVocabularyPath: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["EMU3_QWEN_VOCAB"], !path.isEmpty { return path }
        let cache = env["EMU3_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/emu3-swift")
        return (cache as NSString).appendingPathComponent("qwen.tiktoken")
    }

    /// Loaded once per process. Missing vocabulary is a failure, not a skip: the parity goldens
    /// are the point of these tests.
    static let qwen: Result<TextTokenizer, Error> = Result {
        let path = qwenVocabularyPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingVocabulary(path: path)
        }
        return try TextTokenizer(tiktokenFile: URL(fileURLWithPath: path))
    }

    static let qwenRaw: Result<TextTokenizer, Error> = Result {
        _ = try qwen.get()
        return try TextTokenizer(tiktokenFile: URL(fileURLWithPath: qwenVocabularyPath), normalization: .none)
    }

    /// The full-size converted tokenizer.json (tools/make_qwen_tokenizer_json.py; ~25 MB, not
    /// committed): `$EMU3_QWEN_TOKENIZER_JSON`, else the cache's `qwen-hf/tokenizer.json`.
    static var qwenTokenizerJSONPath: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["EMU3_QWEN_TOKENIZER_JSON"], !path.isEmpty { return path }
        return ((qwenVocabularyPath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("qwen-hf/tokenizer.json")
    }

    static let tiny: Result<TextTokenizer, Error> = Result {
        try TextTokenizer(tokenizerJSONFile: url("tiny_tokenizer.json"))
    }

    static let tinyGPT2: Result<TextTokenizer, Error> = Result {
        try TextTokenizer(tokenizerJSONFile: url("tiny_tokenizer_gpt2.json"))
    }

    struct MissingVocabulary: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "qwen.tiktoken not found at \(path): run `make vocab` (scripts/fetch-qwen-vocab.sh) "
                + "or set EMU3_QWEN_VOCAB"
        }
    }

    struct Golden: Decodable {
        let text: String
        let ids: [Int32]
        let ids_special: [Int32]?
        let ids_raw: [Int32]?
        let gpt2_ids: [Int32]?
        let gpt2_ids_special: [Int32]?
        let qwen_pieces: [Int]?
        let gpt2_pieces: [Int]?
    }

    struct DecodeGolden: Decodable {
        let ids: [Int32]
        let text: String
        let text_skip: String?
    }

    /// Reads a JSONL fixture.
    static func lines<T: Decodable>(_ name: String, as: T.Type = T.self) throws -> [T] {
        let data = try Data(contentsOf: url(name))
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(T.self, from: Data($0)) }
    }
}

/// Compares encodings of every golden line; records at most a few mismatches in detail.
func expectGoldens(
    _ goldens: [Fixtures.Golden], _ expected: (Fixtures.Golden) -> [Int32]?, _ actual: (String) -> [Int32],
    sourceLocation: SourceLocation = #_sourceLocation
) -> Int {
    var checked = 0
    var mismatches = 0
    for golden in goldens {
        guard let want = expected(golden) else { continue }
        checked += 1
        let got = actual(golden.text)
        if got != want {
            mismatches += 1
            if mismatches <= 5 {
                Issue.record("text \(golden.text.debugDescription.prefix(200)): got \(got.prefix(40)), want \(want.prefix(40))",
                             sourceLocation: sourceLocation)
            }
        }
    }
    #expect(mismatches == 0, "\(mismatches) of \(checked) lines differ", sourceLocation: sourceLocation)
    return checked
}
