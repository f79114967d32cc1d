import ArgumentParser
import Foundation
import RPC
import TextTokenizerEngine

/// Where the offline commands get their vocabulary: `--vocab FILE`, `--model DIR`, or the
/// default model's tokenizer (the embedded emu3-tiny).
struct VocabularyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A vocabulary file: Qwen's qwen.tiktoken (with the Emu3 specials appended) or a tokenizer.json.",
        valueName: "file"))
    var vocab: String?

    @Option(help: ArgumentHelp("A model directory holding tokenizer.json (or emu3.tiktoken).", valueName: "dir"))
    var model: String?

    func validate() throws {
        if vocab != nil && model != nil { throw ValidationError("give --vocab or --model, not both") }
    }

    /// Loads the tokenizer, or throws a message that says what was missing and what to do.
    func load() throws -> TextTokenizer {
        do {
            if let vocab {
                let url = URL(fileURLWithPath: (vocab as NSString).expandingTildeInPath)
                return url.pathExtension == "json"
                    ? try TextTokenizer(tokenizerJSONFile: url) : try TextTokenizer(tiktokenFile: url)
            }
            let directory: URL
            do {
                directory = try DefaultModel.resolve(model)
            } catch {
                throw CLIFailure("\(error); or pass --vocab FILE (e.g. `make vocab`, then "
                    + "--vocab ~/.cache/emu3-swift/qwen.tiktoken)")
            }
            return try TextTokenizer.load(modelDirectory: directory)
        } catch let error as TextTokenizerError {
            throw CLIFailure(error.description)
        }
    }
}

/// A failure the CLI reports as `error: <message>` with exit status 1 (no stack trace).
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Prints `error: message` to standard error and returns the exit code to throw.
func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode(1)
}
