import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

/// Flags shared by the pipeline commands: where the services are and which model's
/// defaults to use.
struct PipelineOptions: ParsableArguments {
    @OptionGroup var endpoints: EndpointOptions

    @Option(help: ArgumentHelp("Model directory whose defaults (image size, CFG, negative prompt) to use; default: the embedded emu3-tiny.", valueName: "dir"))
    var model: String?

    @Flag(help: "Fail instead of starting the services when none are running.")
    var noStart = false

    func makePipeline() throws -> Pipeline {
        let modelDir = try? DefaultModel.resolve(model)
        if model != nil && modelDir == nil { throw ValidationError("model directory \(model!) does not exist") }
        let defaults = try ModelDefaults.load(from: modelDir)
        var resolved = try endpoints.resolve()
        if !noStart { resolved = try ServiceStarter.ensureRunning(resolved, model: modelDir?.path) }
        return try Pipeline(endpoints: resolved, defaults: defaults)
    }
}

/// Prints a pipeline error as one line and exits non-zero (no stack traces).
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("emu3-orchestrator: \(message)\n".utf8))
    return ExitCode(code)
}

func readImageFile(_ path: String) throws -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else { throw fail("no such image file: \(path)") }
    guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read \(path)") }
    guard data.count >= 8, data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
        throw fail("\(path) is not a PNG image (only PNG is supported)")
    }
    return [UInt8](data)
}
