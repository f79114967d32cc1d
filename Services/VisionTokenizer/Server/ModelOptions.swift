// Shared flags and helpers of the offline commands (no service involved).
import ArgumentParser
import Foundation
import Logging
import RPC
import VisionTokenizerEngine

/// Flags shared by every offline command.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Model directory (default: $EMU3_MODEL, else the embedded emu3-tiny).", valueName: "dir"))
    var model: String?

    @Option(name: .long, help: "OpenBLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?

    @Flag(name: .long, help: "Log at debug level to stderr.")
    var verbose = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The model directory that will be used, for messages and PNG text.
    var modelName: String { model.map { URL(fileURLWithPath: $0).lastPathComponent } ?? DefaultModel.name }

    /// Sets up logging and threads, then loads the model.
    func load() throws -> VisionTokenizer {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        if let threads { VisionTokenizer.setComputeThreads(threads) }
        let directory: URL
        do { directory = try DefaultModel.resolve(model) } catch { throw CLIError(error) }
        do {
            return try VisionTokenizer(modelDirectory: directory, logger: Logger(label: "emu3.vision-tokenizer"))
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
