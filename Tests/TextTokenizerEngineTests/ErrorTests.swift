// Bad input gets a precise typed error, never a crash.

import Foundation
import Testing
@testable import TextTokenizerEngine

/// Writes `contents` to a fresh temporary file and returns its URL.
func temporaryFile(_ name: String, _ contents: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emu3-text-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// A valid tiny rank file: the 256 bytes, then "ab" (rank 256).
func tinyRankFile(extra: [String] = []) -> String {
    var lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
    lines.append("\(Data("ab".utf8).base64EncodedString()) 256")
    return (lines + extra).joined(separator: "\n") + "\n"
}

@Suite struct ErrorTests {
    @Test func invalidUTF8NamesTheFirstBadByte() throws {
        let tokenizer = try Fixtures.tiny.get()
        #expect(throws: TextTokenizerError.invalidUTF8(byteOffset: 2)) {
            try tokenizer.encode(utf8: [0x61, 0x62, 0xFF, 0x63])
        }
        #expect(throws: TextTokenizerError.invalidUTF8(byteOffset: 1)) {
            try tokenizer.encode(utf8: [0x61, 0xE4, 0xB8])  // truncated 3-byte sequence
        }
        #expect(throws: TextTokenizerError.invalidUTF8(byteOffset: 0)) {
            try tokenizer.encode(utf8: [0xED, 0xA0, 0x80])  // UTF-8 encoded surrogate
        }
        #expect(try tokenizer.encode(utf8: Array("héllo".utf8)) == tokenizer.encode("héllo"))
    }

    @Test func idOutsideTheVocabularyIsNamed() throws {
        let tokenizer = try Fixtures.tiny.get()
        let size = tokenizer.vocabularySize
        #expect(throws: TextTokenizerError.idOutOfVocabulary(id: Int32(size), vocabularySize: size)) {
            try tokenizer.decode([1, 2, Int32(size)])
        }
        #expect(throws: TextTokenizerError.idOutOfVocabulary(id: -1, vocabularySize: size)) {
            try tokenizer.decode([-1])
        }
        var decoder = tokenizer.makeIncrementalDecoder()
        #expect(throws: TextTokenizerError.idOutOfVocabulary(id: 99_999, vocabularySize: size)) {
            try decoder.append(99_999)
        }
    }

    @Test func malformedRankFileNamesFileAndLine() throws {
        let badBase64 = try temporaryFile("bad.tiktoken", tinyRankFile(extra: ["!!!! 257"]))
        #expect(throws: TextTokenizerError.malformedVocabulary(path: badBase64.path, line: 258, reason: "invalid base64 token")) {
            try TextTokenizer(tiktokenFile: badBase64, specialTokens: [])
        }
        let badRank = try temporaryFile("bad.tiktoken", tinyRankFile(extra: ["YWJj x"]))
        #expect(throws: TextTokenizerError.malformedVocabulary(path: badRank.path, line: 258, reason: "invalid rank")) {
            try TextTokenizer(tiktokenFile: badRank, specialTokens: [])
        }
        let repeated = try temporaryFile("bad.tiktoken", tinyRankFile(extra: ["YWJj 256"]))
        #expect(throws: TextTokenizerError.malformedVocabulary(path: repeated.path, line: 258, reason: "rank 256 repeats line 257")) {
            try TextTokenizer(tiktokenFile: repeated, specialTokens: [])
        }
        let sameBytes = try temporaryFile("bad.tiktoken", tinyRankFile(extra: ["YWI= 257"]))
        #expect(throws: TextTokenizerError.malformedVocabulary(path: sameBytes.path, line: 258, reason: "token bytes repeat another line")) {
            try TextTokenizer(tiktokenFile: sameBytes, specialTokens: [])
        }
        let noSpace = try temporaryFile("bad.tiktoken", tinyRankFile(extra: ["YWJj"]))
        #expect(throws: TextTokenizerError.malformedVocabulary(path: noSpace.path, line: 258, reason: "expected `base64 rank`")) {
            try TextTokenizer(tiktokenFile: noSpace, specialTokens: [])
        }
        let missing = URL(fileURLWithPath: "/nonexistent/qwen.tiktoken")
        #expect {
            try TextTokenizer(tiktokenFile: missing)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? TextTokenizerError else { return false }
            return path == missing.path
        }
    }

    @Test func tinyRankFileLoadsAndMerges() throws {
        let url = try temporaryFile("ok.tiktoken", tinyRankFile())
        let tokenizer = try TextTokenizer(tiktokenFile: url, specialTokens: ["<|x|>"])
        #expect(tokenizer.vocabularySize == 258)
        #expect(tokenizer.encode("abab") == [256, 256])
        #expect(tokenizer.encode("<|x|>", allowSpecial: true) == [257])
        #expect(throws: TextTokenizerError.missingSpecialToken(name: "<|visual token 000000|>")) {
            try tokenizer.specialTokens()
        }
    }

    @Test func malformedTokenizerJSONNamesTheLine() throws {
        let syntax = try temporaryFile("tokenizer.json", "{\n  \"model\": {\n    \"vocab\": {\"a\": 0,}\n  }\n}\n")
        #expect {
            try TextTokenizer(tokenizerJSONFile: syntax)
        } throws: { error in
            guard case .malformedVocabulary(let path, let line, _) = error as? TextTokenizerError else { return false }
            return path == syntax.path && line == 3
        }
        var text = try String(contentsOf: Fixtures.url("tiny_tokenizer.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"Ġ Ġ\"", with: "\"Ġ nosuchtoken\"")
        text = text.replacingOccurrences(of: "[\n        \"Ġ\",\n        \"Ġ\"\n      ]", with: "[\"Ġ\", \"nosuchtoken\"]")
        let badMerge = try temporaryFile("tokenizer.json", text)
        #expect {
            try TextTokenizer(tokenizerJSONFile: badMerge)
        } throws: { error in
            guard case .malformedVocabulary(_, let line, let reason) = error as? TextTokenizerError else { return false }
            return line > 1 && reason.contains("nosuchtoken")
        }
    }

    @Test func unsupportedTokenizerFeaturesAreRejected() throws {
        let original = try String(contentsOf: Fixtures.url("tiny_tokenizer.json"), encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("\"type\": \"BPE\"", "\"type\": \"WordPiece\"", "model type WordPiece"),
            ("\\\\s+(?!\\\\S)|\\\\s+", "\\\\s+", "Split regex"),
            ("\"type\": \"NFC\"", "\"type\": \"NFKC\"", "normalizer type NFKC"),
            ("\"continuing_subword_prefix\": null", "\"continuing_subword_prefix\": \"##\"", "continuing_subword_prefix"),
        ]
        for (from, to, feature) in cases {
            let changed = original.replacingOccurrences(of: from, with: to)
            #expect(changed != original, "fixture no longer contains \(from)")
            let url = try temporaryFile("tokenizer.json", changed)
            #expect {
                try TextTokenizer(tokenizerJSONFile: url)
            } throws: { error in
                guard case .unsupportedTokenizer(_, let what) = error as? TextTokenizerError else { return false }
                return what.contains(feature)
            }
        }
    }

    @Test func modelDirectoryWithoutTokenizer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emu3-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect(throws: TextTokenizerError.noTokenizerInDirectory(
            path: directory.path, looked: ["tokenizer.json", "emu3.tiktoken", "qwen.tiktoken"])) {
            try TextTokenizer.load(modelDirectory: directory)
        }
    }

    @Test func batchLimits() throws {
        let limits = TextBatchLimits(maxItems: 2, maxTotalBytes: 10, maxTotalIDs: 5)
        #expect(throws: TextTokenizerError.tooManyItems(count: 3, limit: 2)) { try limits.validateEncode(["a", "b", "c"]) }
        #expect(throws: TextTokenizerError.batchTooLarge(size: 11, limit: 10)) { try limits.validateEncode(["hello", "world!"]) }
        #expect(throws: TextTokenizerError.batchItem(index: 1, error: .nulCharacter(byteOffset: 1))) {
            try limits.validateEncode(["ok", "a\u{0}"])
        }
        #expect(throws: TextTokenizerError.batchItem(index: 1, error: .invalidUTF8(byteOffset: 0))) {
            try limits.validateEncode(utf8: [[0x61], [0xC3]])
        }
        #expect(try limits.validateEncode(utf8: [[0x61], [0xC3, 0xA9]]) == ["a", "é"])
        try limits.validateEncode(["hello", "worl"])  // exactly at the limits
        #expect(throws: TextTokenizerError.batchTooLarge(size: 6, limit: 5)) { try limits.validateDecode([[1, 2, 3], [4, 5, 6]]) }
        try limits.validateDecode([[1, 2], [3, 4, 5]])
    }
}
