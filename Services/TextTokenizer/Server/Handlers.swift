import Emu3Proto
import Foundation
import RPC
import TextTokenizerEngine

/// The loaded vocabulary, set once after `load` (handlers are registered before).
typealias TokenizerHolder = LoadedValue<TextTokenizer>

/// Decode, check, call the engine, encode. Encode and Decode share one admission gate
/// (`max_in_flight`); each batch is split across `threads` cores by the engine.
enum Handlers {
    static func register(on host: ServiceHost, tokenizer holder: TokenizerHolder, limits: TextBatchLimits, threads: Int) {
        let gate = host.makeAdmissionGate(retryAfterMs: 10)

        host.server.register(Methods.TextTokenizer.encode, gate: gate) { (request: EncodeRequest, context) in
            try context.checkContinue("admission")
            let tokenizer = try holder.get()
            let start = DispatchTime.now()
            // The wire layer has already rejected invalid UTF-8 and NUL (INVALID_ARGUMENT).
            try limits.validateEncode(request.texts)
            let ids = tokenizer.encodeBatch(request.texts, allowSpecial: request.allowSpecial, maxThreads: threads)
            context.logger.info("encode", metadata: [
                "request.id": "\(context.requestId)", "texts": "\(request.texts.count)",
                "bytes.in": "\(request.texts.reduce(0) { $0 + $1.utf8.count })",
                "tokens.out": "\(ids.reduce(0) { $0 + $1.count })", "duration.ms": "\(milliseconds(since: start))",
            ])
            return Conversions.response(ids)
        }

        host.server.register(Methods.TextTokenizer.decode, gate: gate) { (request: DecodeRequest, context) in
            try context.checkContinue("admission")
            let tokenizer = try holder.get()
            let start = DispatchTime.now()
            let sequences = request.sequences.map(\.ids)
            try limits.validateDecode(sequences)
            let texts = try tokenizer.decodeBatch(sequences, skipSpecial: request.skipSpecial, maxThreads: threads)
            context.logger.info("decode", metadata: [
                "request.id": "\(context.requestId)", "sequences": "\(sequences.count)",
                "tokens.in": "\(sequences.reduce(0) { $0 + $1.count })", "duration.ms": "\(milliseconds(since: start))",
            ])
            return DecodeResponse(texts: texts)
        }

        host.server.register(Methods.TextTokenizer.specialTokens) { (_: SpecialTokensRequest, _) in
            Conversions.response(try holder.get().specialTokens())
        }
    }

    private static func milliseconds(since start: DispatchTime) -> Int {
        Int((DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000)
    }
}
