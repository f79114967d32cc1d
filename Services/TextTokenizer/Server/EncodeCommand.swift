import ArgumentParser
import Foundation
import TextTokenizerEngine

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the token ids of a text (offline: no service needed).",
        discussion: """
            Special-token text is plain text unless --allow-special: "<|extra_203|>" is several tokens by \
            default, and the BOS id with --allow-special. Text is NFC-normalised first when the \
            vocabulary says so (qwen.tiktoken: always, as the Emu3 reference does). With --jsonl, each \
            input line is a JSON string and each output line the JSON array of its ids.

            Examples:
              emu3-text-tokenizer encode "a red circle"
              emu3-text-tokenizer encode --json --allow-special "<|extra_203|>hi"
              emu3-text-tokenizer encode --vocab ~/.cache/emu3-swift/qwen.tiktoken "90*90"
              emu3-text-tokenizer encode --jsonl prompts.jsonl > ids.jsonl
            """)

    @Argument(help: "The text (omit with --jsonl).") var text: String?
    @Option(help: ArgumentHelp("Encode each line of FILE (a JSON string; \"-\" for stdin); print one JSON array per line.",
                               valueName: "file"))
    var jsonl: String?
    @Flag(help: "Print the ids as one JSON array instead of a table.") var json = false
    @Flag(help: "Turn special-token text such as <|image start|> into its id.") var allowSpecial = false
    @OptionGroup var vocabulary: VocabularyOptions

    func validate() throws {
        if (text == nil) == (jsonl == nil) { throw ValidationError("give a text or --jsonl FILE (one of them)") }
    }

    func run() throws {
        do {
            let tokenizer = try vocabulary.load()
            if let jsonl { return try encodeLines(jsonl, tokenizer) }
            let ids = tokenizer.encode(text!, allowSpecial: allowSpecial)
            if json {
                print(TokenDisplay.jsonArray(ids))
            } else {
                print("\(ids.count) token\(ids.count == 1 ? "" : "s")")
                if !ids.isEmpty { print(TokenDisplay.table(ids, tokenizer: tokenizer)) }
            }
        } catch let error as CLIFailure {
            throw fail(error)
        }
    }

    /// Reads JSON strings, one per line; encodes them in parallel batches; prints arrays in order.
    private func encodeLines(_ path: String, _ tokenizer: TextTokenizer) throws {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read \(path)") }
            data = d
        }
        var texts: [String] = []
        let decoder = JSONDecoder()
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // the final newline
        for (index, line) in lines.enumerated() {
            var bytes = line
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            // Every line must be a JSON string (an empty text is ""): output line k answers input line k.
            guard let text = try? decoder.decode(String.self, from: Data(bytes)) else {
                throw CLIFailure("\(path):\(index + 1): not a JSON string (or not valid UTF-8); an empty text is \"\"")
            }
            texts.append(text)
        }
        var out = ""
        for ids in tokenizer.encodeBatch(texts, allowSpecial: allowSpecial) {
            out += TokenDisplay.jsonArray(ids)
            out += "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
