import Foundation
import TextTokenizerEngine

/// Text forms of ids and tokens for the offline commands.
enum TokenDisplay {
    /// `[1,2,3]`
    static func jsonArray(_ ids: [Int32]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    /// A JSON string literal (escaped as JSONEncoder does).
    static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }

    /// One line per token: id, then the token as a quoted string, or its bytes in hex when they
    /// are not valid UTF-8 on their own (part of a multi-byte character).
    static func table(_ ids: [Int32], tokenizer: TextTokenizer) -> String {
        let width = ids.map { String($0).count }.max() ?? 1
        return ids.map { id in
            let padded = String(repeating: " ", count: width - String(id).count) + String(id)
            return "  \(padded)  \(show(id, tokenizer))"
        }.joined(separator: "\n")
    }

    static func show(_ id: Int32, _ tokenizer: TextTokenizer) -> String {
        guard let bytes = try? tokenizer.decodeBytes([id]) else { return "?" }
        if let text = String(validating: bytes, as: UTF8.self) {
            return tokenizer.isSpecial(id) ? text : jsonString(text)
        }
        return "<" + bytes.map { String(format: "0x%02X", $0) }.joined(separator: " ") + ">"
    }

    /// Parses "1,2,3", "1 2 3" or "[1, 2, 3]".
    static func parseIDs(_ arguments: [String]) -> [Int32]? {
        let separators = CharacterSet(charactersIn: ",[] \t\n")
        let parts = arguments.joined(separator: " ").components(separatedBy: separators).filter { !$0.isEmpty }
        let ids = parts.compactMap { Int32($0) }
        return ids.count == parts.count ? ids : nil
    }
}
