import ArgumentParser
import BackboneEngine
import Foundation

/// `emu3-backbone logits`: the parity tool for one forward pass.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits", abstract: "Print or save the logits of a token sequence (final or every position).")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Comma-separated token ids, e.g. 1,2,3.")
    var tokens: String

    @Flag(help: "Every position's logits instead of the last one's.")
    var allPositions = false

    @Option(help: "Write a float32 .npy file ([1 or T, vocab]) instead of printing.")
    var out: String?

    func validate() throws {
        if try parseTokenList(tokens, flag: "--tokens").isEmpty { throw ValidationError("--tokens: no ids given") }
    }

    func run() throws {
        let engine = try modelOptions.loadEngine()
        let ids = try parseTokenList(tokens, flag: "--tokens")
        let logits: Tensor
        do {
            logits = try engine.logits(tokens: ids, allPositions: allPositions)
        } catch {
            throw CLIFailure(error)
        }
        if let out {
            try NPYWriter.write(logits.scalars, shape: logits.shape, to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data("wrote \(logits.shape) float32 logits to \(out)\n".utf8))
            return
        }
        let vocab = logits.shape[1]
        let values = logits.scalars
        for r in 0..<logits.shape[0] {
            print(values[(r * vocab)..<((r + 1) * vocab)].map { "\($0)" }.joined(separator: " "))
        }
    }
}

import Tensor
