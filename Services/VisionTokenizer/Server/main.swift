// emu3-vision-tokenizer: The vision tokenizer service of emu3-swift: Emu3's VQ autoencoder, images and video to code grids and back.
import ArgumentParser
import RPC

struct VisionTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-vision-tokenizer",
        abstract: "The vision tokenizer service of emu3-swift: Emu3's VQ autoencoder, images and video to code grids and back.",
        discussion: """
            Example:
              emu3-vision-tokenizer serve                     # ipc:// in a private runtime directory
              emu3-vision-tokenizer serve --listen tcp://127.0.0.1:7100 --print-config
            """,
        version: emu3Version,
        subcommands: [Serve.self])
}

VisionTokenizerCommand.main()
