// emu3-text-tokenizer: The text tokenizer service of emu3-swift: Qwen byte-level BPE with Emu3's special and visual tokens.
import ArgumentParser
import RPC

struct TextTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-text-tokenizer",
        abstract: "The text tokenizer service of emu3-swift: Qwen byte-level BPE with Emu3's special and visual tokens.",
        discussion: """
            Example:
              emu3-text-tokenizer serve                     # ipc:// in a private runtime directory
              emu3-text-tokenizer serve --listen tcp://127.0.0.1:7100 --print-config
            """,
        version: emu3Version,
        subcommands: [Serve.self])
}

TextTokenizerCommand.main()
