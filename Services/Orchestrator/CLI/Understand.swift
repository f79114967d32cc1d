import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

struct Understand: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a question about an image.",
        discussion: """
            Runs the Emu3 understanding pipeline: the image through the VQ encoder, the chat
            template around the image tokens and the question, greedy decoding on the backbone
            until end of sequence; the answer is streamed as it is generated.
            Example:
              emu3-orchestrator understand photo.png "What colour is the circle?"
            """)

    @Argument(help: "A PNG image.") var image: String
    @Argument(help: "The question.") var question: String
    @Option(help: "Most tokens to generate (default: the model's, within its context).") var maxTokens: Int?
    @Flag(help: "Print a machine-readable result on stdout.") var json = false
    @OptionGroup var pipeline: PipelineOptions

    @Sendable static func writeChunk(_ chunk: String) {
        FileHandle.standardOutput.write(Data(chunk.utf8))
    }

    func validate() throws {
        if let maxTokens, !(1...16_384).contains(maxTokens) { throw ValidationError("--max-tokens must be 1...16384") }
    }

    func run() throws {
        let png = try readImageFile(image)
        let p = try pipeline.makePipeline()
        let cancel = CancellationFlag()
        Interrupt.onInterrupt(cancel)
        var onText: (@Sendable (String) -> Void)?
        if !json { onText = Self.writeChunk }
        let result: Understanding
        do throws(PipelineError) {
            result = try p.understand(png: png, question: question, maxTokens: maxTokens, cancellation: cancel, onText: onText)
        } catch {
            if error == .cancelled { throw fail("cancelled", code: 130) }
            throw fail(error.description)
        }
        if json {
            let obj: [String: Any] = ["text": result.text, "tokens": result.tokenIds.count,
                                      "image_grid": [result.gridHeight, result.gridWidth], "elapsed_ms": result.elapsedMs]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("")
        }
    }
}
