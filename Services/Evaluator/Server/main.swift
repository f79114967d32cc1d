// emu3-evaluator: scoring and DPO service (RELIABILITY.md §6; evaluator issue to come).
import ArgumentParser
import RPC

struct EvaluatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu3-evaluator",
        abstract: "The evaluation and DPO service of emu3-swift.",
        discussion: """
            Serves /emu3.v1.Evaluator/DpoLoss (DPO losses of preference pairs) besides Health and Info.
            Example:
              emu3-evaluator serve --listen tcp://127.0.0.1:7104
            """,
        version: emu3Version,
        subcommands: [Serve.self])
}

EvaluatorCommand.main()
