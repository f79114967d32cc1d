// emu3-backbone: The Emu3 decoder service of emu3-swift: generation with KV cache, CFG and constrained sampling; scoring.
import ArgumentParser
import RPC

struct BackboneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-backbone",
        abstract: "The Emu3 decoder service of emu3-swift: generation with KV cache, CFG and constrained sampling; scoring.",
        discussion: """
            Example:
              emu3-backbone serve                     # ipc:// in a private runtime directory
              emu3-backbone serve --listen tcp://127.0.0.1:7100 --print-config
              emu3-backbone logits --model DIR --tokens 1,2,3 --out logits.npy
              emu3-backbone generate --model DIR --tokens 1,2,3 --max-new 16
            """,
        version: emu3Version,
        subcommands: [Serve.self, LogitsCommand.self, GenerateCommand.self])
}

BackboneCommand.main()
