// emu3-orchestrator: the CLI people run; composes the services into pipelines.
import ArgumentParser
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
        subcommands: [Up.self, Down.self, Status.self, Health.self, Serve.self, Supervise.self])
}

OrchestratorCommand.main()
