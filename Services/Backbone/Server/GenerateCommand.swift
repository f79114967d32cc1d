import ArgumentParser
import BackboneEngine
import Foundation

/// `emu3-backbone generate`: offline generation with the service's engine.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate tokens offline: greedy or sampled, optional CFG and image layout.",
        discussion: """
            Prints the new ids (comma-separated) on stdout and a summary on stderr.
            Example: emu3-backbone generate --model DIR --tokens 1,2,3 --image 3x4 --cfg 3 \\
                       --negative-tokens 1,5 --top-k 16 --seed 7
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Prompt token ids, comma-separated.")
    var tokens: String

    @Option(help: "Most new tokens.")
    var maxNew: Int = 64

    @Flag(help: "Argmax decoding (the default unless a sampling flag is given).")
    var greedy = false

    @Option(help: "Sampling temperature (> 0).")
    var temperature: Float?

    @Option(help: "Keep the k best tokens (>= 1).")
    var topK: Int?

    @Option(help: "Nucleus mass in (0, 1].")
    var topP: Float?

    @Option(help: "Sampling seed.")
    var seed: UInt64 = 0

    @Option(help: "Classifier-free guidance scale (needs --negative-tokens).")
    var cfg: Float?

    @Option(help: "The unconditional stream's prompt ids.")
    var negativeTokens: String?

    @Option(help: "Constrain to one image of HxW codes, e.g. 90x90.")
    var image: String?

    @Option(help: "Extra stop ids, comma-separated.")
    var stopIds: String?

    @Flag(help: "Batch the CFG streams left-padded, as transformers does (default: ragged).")
    var padded = false

    var sampled: Bool { temperature != nil || topK != nil || topP != nil }

    func validate() throws {
        if greedy && sampled { throw ValidationError("--greedy excludes --temperature/--top-k/--top-p") }
        if (cfg == nil) != (negativeTokens == nil) { throw ValidationError("--cfg and --negative-tokens go together") }
        if let image { _ = try parseLayout(image) }
        if try parseTokenList(tokens, flag: "--tokens").isEmpty { throw ValidationError("--tokens: no ids given") }
    }

    func parseLayout(_ text: String) throws -> ImageLayout {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]) else {
            throw ValidationError("--image: expected HxW, e.g. 90x90; got '\(text)'")
        }
        return ImageLayout(height: h, width: w)
    }

    func run() throws {
        let engine = try modelOptions.loadEngine()
        let sampling = sampled
            ? SamplingParameters(temperature: temperature ?? 1, topK: topK, topP: topP ?? 1, seed: seed)
            : SamplingParameters.greedy
        let request = GenerationRequest(
            prompt: try parseTokenList(tokens, flag: "--tokens"),
            negativePrompt: try negativeTokens.map { try parseTokenList($0, flag: "--negative-tokens") },
            cfgScale: cfg ?? 1, sampling: sampling, layout: try image.map(parseLayout), maxNewTokens: maxNew,
            stopIds: try stopIds.map { try parseTokenList($0, flag: "--stop-ids") } ?? [],
            batching: padded ? .leftPadded : .ragged)
        do {
            let r = try engine.generate(request)
            print(r.ids.map(String.init).joined(separator: ","))
            let decodeRate = r.ids.count > 1 ? Double(r.ids.count - 1) / max(r.decodeSeconds, 1e-9) : 0
            FileHandle.standardError.write(Data(("finish=\(r.finishReason.rawValue) new=\(r.ids.count) " +
                "prompt=\(r.promptTokens) prefill_ms=\(Int(r.prefillSeconds * 1000)) " +
                "decode_ms=\(Int(r.decodeSeconds * 1000)) decode_tok_s=\(String(format: "%.2f", decodeRate))\n").utf8))
        } catch {
            throw CLIFailure(error)
        }
    }
}
