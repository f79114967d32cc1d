import ArgumentParser
import BackboneEngine
import Foundation
import Tensor

/// Flags shared by the offline parity tools.
struct ModelOptions: ParsableArguments {
    @Option(help: "Checkpoint folder: config.json plus model.safetensors or a sharded index.")
    var model: String

    @Option(help: "Compute threads (0 = all cores).")
    var threads: Int = 0

    func loadEngine() throws -> BackboneEngine {
        let n = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        do {
            return try BackboneEngine(modelDirectory: URL(fileURLWithPath: model), threads: ComputeThreads(n))
        } catch {
            throw CLIFailure(error)
        }
    }
}

/// Parses "1,2,3" (spaces allowed) into token ids.
func parseTokenList(_ text: String, flag: String) throws -> [Int32] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return try parts.map { p in
        guard let v = Int32(p) else { throw ValidationError("\(flag): '\(p)' is not a token id") }
        return v
    }
}

/// Prints "CODE: message" on stderr and returns the exit status for `error`.
func CLIFailure(_ error: BackboneError) -> ExitCode {
    FileHandle.standardError.write(Data("\(error.statusCode): \(error)\n".utf8))
    return ExitCode(error.exitCode)
}

extension BackboneError {
    /// A stable exit code per status class: 2 bad request, 3 model failed to load, 4 stopped.
    var exitCode: Int32 {
        switch statusCode {
        case .invalidArgument: 2
        case .cancelled, .deadlineExceeded: 4
        default: 3
        }
    }
}
