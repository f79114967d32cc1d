import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the token ids of a text (through the text tokenizer service).",
        discussion: "Example:\n  emu3-orchestrator tokenize \"a red circle\"")

    @Argument(help: "The text.") var text: String
    @OptionGroup var pipeline: PipelineOptions

    func run() throws {
        let p = try pipeline.makePipeline()
        do {
            let ids = try p.encode([text], deadline: .afterMilliseconds(30_000))[0]
            print(ids.map(String.init).joined(separator: ","))
        } catch { throw fail(error.description) }
    }
}

struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn token ids back into text (through the text tokenizer service).",
        discussion: "Example:\n  emu3-orchestrator detokenize 64,2518,12671")

    @Argument(help: "Comma-separated token ids.") var ids: String
    @Flag(help: "Keep special tokens in the output.") var keepSpecial = false
    @OptionGroup var pipeline: PipelineOptions

    func run() throws {
        let parsed = ids.split(separator: ",").map { Int32($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else { throw fail("ids must be comma-separated integers") }
        let p = try pipeline.makePipeline()
        do {
            print(try p.decode(parsed.map { $0! }, skipSpecial: !keepSpecial, deadline: .afterMilliseconds(30_000)))
        } catch { throw fail(error.description) }
    }
}
