import ArgumentParser
import Foundation
import TextTokenizerEngine

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn token ids back into text (offline: no service needed).",
        discussion: """
            Ids may be separated by commas or spaces, or given as a JSON array. Bytes that are not \
            valid UTF-8 (a character cut between tokens) print as U+FFFD, as Python's \
            errors="replace" does.

            Examples:
              emu3-text-tokenizer decode 64,2518,12671
              emu3-text-tokenizer decode --json "[24, 15, 9, 24, 15]"
              emu3-text-tokenizer decode --skip-special 2206,64,2207
              emu3-text-tokenizer decode --tokens 64 2518 12671     # one line per token
            """)

    @Argument(help: "Token ids.") var ids: [String]
    @Flag(help: "Print the text as a JSON string.") var json = false
    @Flag(help: "Drop special tokens (BOS, EOS, image markers, visual tokens).") var skipSpecial = false
    @Flag(help: "Show each token on its own line instead of the joined text.") var tokens = false
    @OptionGroup var vocabulary: VocabularyOptions

    func validate() throws {
        guard let parsed = TokenDisplay.parseIDs(ids), !parsed.isEmpty else {
            throw ValidationError("ids must be integers separated by commas or spaces, e.g. 64,2518,12671")
        }
    }

    func run() throws {
        do {
            let tokenizer = try vocabulary.load()
            let parsed = TokenDisplay.parseIDs(ids)!
            if tokens {
                for id in parsed { _ = try tokenizer.decodeBytes([id]) }  // report a bad id first
                print(TokenDisplay.table(parsed, tokenizer: tokenizer))
                return
            }
            let text = try tokenizer.decode(parsed, skipSpecial: skipSpecial)
            print(json ? TokenDisplay.jsonString(text) : text)
        } catch let error as CLIFailure {
            throw fail(error)
        } catch let error as TextTokenizerError {
            throw fail(error)
        }
    }
}
