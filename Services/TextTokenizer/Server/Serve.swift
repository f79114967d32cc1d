import ArgumentParser
import Foundation
import RPC
import TextTokenizerEngine

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the text tokenizer service until SIGTERM.",
        discussion: """
            Serves Encode, Decode and SpecialTokens (proto/emu3/v1/text_tokenizer.proto) with the \
            model's tokenizer (tokenizer.json, else emu3.tiktoken + emu3_vision_tokens.txt, else \
            qwen.tiktoken). Limits (RELIABILITY.md §6.2): more texts or bytes than allowed → \
            RESOURCE_EXHAUSTED; invalid UTF-8, NUL, or an id outside the vocabulary → INVALID_ARGUMENT.

            Examples:
              emu3-text-tokenizer serve
              emu3-text-tokenizer serve --listen tcp://127.0.0.1:7100
              emu3-text-tokenizer serve --model models/emu3-tiny --max-batch-items 256
            """)

    @OptionGroup var options: ServeOptions

    @Option(help: "Most texts (Encode) or id sequences (Decode) in one request.")
    var maxBatchItems = TextBatchLimits().maxItems

    @Option(help: ArgumentHelp("Most UTF-8 bytes over all texts of one Encode request.", valueName: "bytes"))
    var maxBatchBytes = TextBatchLimits().maxTotalBytes

    @Option(help: "Most ids over all sequences of one Decode request.")
    var maxBatchIds = TextBatchLimits().maxTotalIDs

    func validate() throws {
        if maxBatchItems < 1 || maxBatchBytes < 1 || maxBatchIds < 1 {
            throw ValidationError("--max-batch-items, --max-batch-bytes and --max-batch-ids must be at least 1")
        }
    }

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.textTokenizer, options: options)
        let holder = TokenizerHolder(loadingMessage: "the vocabulary is still loading")
        let limits = TextBatchLimits(maxItems: maxBatchItems, maxTotalBytes: maxBatchBytes, maxTotalIDs: maxBatchIds)
        Handlers.register(on: host, tokenizer: holder, limits: limits, threads: host.computeThreads)
        let directory = try DefaultModel.resolve(host.config.model)
        host.run(model: directory.lastPathComponent) {
            let start = DispatchTime.now()
            let tokenizer = try TextTokenizer.load(modelDirectory: directory)
            let ms = (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
            switch tokenizer.source {
            case .tiktoken(let path), .tokenizerJSON(let path): host.setDetail("vocab.file", path)
            }
            host.setDetail("vocab.size", "\(tokenizer.vocabularySize)")
            host.setDetail("vocab.pattern", tokenizer.preTokenizerPattern.rawValue)
            host.setDetail("vocab.normalization", tokenizer.normalization.rawValue)
            host.setDetail("vocab.load_ms", "\(ms)")
            if let special = try? tokenizer.specialTokens() {
                host.setDetail("vocab.visual_tokens", "\(special.visualCount)")
            }
            host.setDetail("limits.max_batch_items", "\(limits.maxItems)")
            host.setDetail("limits.max_batch_bytes", "\(limits.maxTotalBytes)")
            host.setDetail("limits.max_batch_ids", "\(limits.maxTotalIDs)")
            holder.set(tokenizer)
        }
    }
}
