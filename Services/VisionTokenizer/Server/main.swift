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
              emu3-vision-tokenizer encode photo.png --json > codes.json
              emu3-vision-tokenizer decode codes.json -o out.png
              emu3-vision-tokenizer reconstruct photo.png -o round-trip.png
            """,
        version: emu3Version,
        subcommands: [Serve.self, EncodeCommand.self, DecodeCommand.self, ReconstructCommand.self, EncodeVideoCommand.self,
                      DecodeVideoCommand.self])
}

VisionTokenizerCommand.main()
