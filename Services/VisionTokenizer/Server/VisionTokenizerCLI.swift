// emu3-vision-tokenizer: Emu3's vision tokenizer as a command-line tool. The offline commands
// call VisionTokenizerEngine directly; the RPC `serve` command comes with the shared RPC runtime.
import ArgumentParser
import Foundation
import Logging
import RPC
import VisionTokenizerEngine

@main
struct VisionTokenizerCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-vision-tokenizer",
        abstract: "Emu3's vision tokenizer: images and videos to VQ codes and back.",
        version: emu3Version,
        subcommands: [EncodeCommand.self, DecodeCommand.self, ReconstructCommand.self, EncodeVideoCommand.self,
                      DecodeVideoCommand.self, Serve.self])
}

/// Flags shared by every command.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model directory (config.json + model.safetensors).")
    var model: String = "models/emu3-tiny"

    @Option(name: .long, help: "OpenBLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?

    @Flag(name: .long, help: "Log at debug level to stderr.")
    var verbose = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets up logging and threads, then loads the model.
    func load() throws -> VisionTokenizer {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        if let threads { VisionTokenizer.setComputeThreads(threads) }
        let logger = Logger(label: "emu3.vision-tokenizer")
        do {
            return try VisionTokenizer(modelDirectory: URL(fileURLWithPath: model), logger: logger)
        } catch {
            throw CLIError(error)
        }
    }
}

/// An engine or I/O error, printed as one line (no stack) with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ error: any Error) { description = "\(error)" }
    init(message: String) { description = message }
}

func readFile(_ path: String) throws -> [UInt8] {
    do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
        throw CLIError(message: "cannot read \(path): \(error.localizedDescription)")
    }
}

func writeFile(_ bytes: [UInt8], to path: String) throws {
    do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw CLIError(message: "cannot write \(path): \(error.localizedDescription)")
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
