// emu3-text-tokenizer: the text tokenizer service of emu3-swift (Qwen byte-level BPE with
// Emu3's special and visual tokens), plus offline `encode`/`decode` for looking at tokens.
import ArgumentParser
import RPC

struct TextTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-text-tokenizer",
        abstract: "The text tokenizer service of emu3-swift: Qwen byte-level BPE with Emu3's special and visual tokens.",
        discussion: """
            Run it as a service (`serve`), or use `encode`/`decode` offline, with no service, to look \
            at tokens. The vocabulary is the model's tokenizer.json (default model: the embedded \
            emu3-tiny), or Qwen's rank file with --vocab (fetch it with `make vocab`).

            Examples:
              emu3-text-tokenizer serve            # ipc:// in a private runtime folder
              emu3-text-tokenizer serve --listen tcp://127.0.0.1:7100 --print-config
              emu3-text-tokenizer encode "a red circle"
              emu3-text-tokenizer encode --vocab ~/.cache/emu3-swift/qwen.tiktoken "90*90"
              emu3-text-tokenizer decode 64,2518,12671
            """,
        version: emu3Version,
        subcommands: [Serve.self, Encode.self, Decode.self])
}

TextTokenizerCommand.main()
