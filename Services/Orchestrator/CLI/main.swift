// emu3-orchestrator: the CLI people run; composes the services into pipelines.
import ArgumentParser
import Foundation
import RPC

struct OrchestratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-orchestrator",
        abstract: "Run Emu3 pipelines over the emu3-swift services.",
        discussion: """
            Service addresses come from --<service>-url flags, EMU3_<SERVICE>_URL variables
            (e.g. EMU3_BACKBONE_URL=tcp://127.0.0.1:7102), a JSON config file with
            "<service>_url" keys (--config or EMU3_CONFIG), or the default private ipc://
            addresses. Example:
              emu3-orchestrator health --json
            """,
        version: emu3Version,
        subcommands: [Generate.self, Understand.self, Reconstruct.self, Tokenize.self, Detokenize.self,
                      Up.self, Down.self, Status.self, Health.self, Serve.self, Supervise.self])
}

// Errors print as one line ("emu3-orchestrator: …") with a non-zero exit, never a stack
// trace; --help and --version print in full.
do {
    var command = try OrchestratorCommand.parseAsRoot()
    try command.run()
} catch {
    let code = OrchestratorCommand.exitCode(for: error)
    if code == .success || error is CleanExit {
        OrchestratorCommand.exit(withError: error)
    }
    if !(error is ExitCode) {
        let message = OrchestratorCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("emu3-orchestrator: \(message) (see --help)\n".utf8))
    }
    exit(code.rawValue)
}
