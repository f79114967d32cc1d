import Emu3Proto
import Foundation
import NNG
import RPC

public struct Understanding: Sendable {
    public var text: String
    public var tokenIds: [Int32]
    public var gridHeight: Int
    public var gridWidth: Int
    public var elapsedMs: Int64
}

extension Pipeline {
    /// Image + question → text (spec §5.3 chat template):
    /// BOS + "You are a helpful assistant. USER: " + image span + question + ". ASSISTANT:",
    /// greedy until EOS. `onText` receives the answer as it grows (held back at incomplete
    /// UTF-8, so every call appends whole characters).
    /// - Parameter maxTokens: nil = the model's default, shortened to what fits the context.
    public func understand(png: [UInt8], question: String, maxTokens: Int? = nil, timeoutMs: Int64 = 600_000,
                           requestId: String = RPCClient.newRequestId(), cancellation: CancellationFlag? = nil,
                           onText: (@Sendable (String) -> Void)? = nil) throws(PipelineError) -> Understanding {
        let start = monotonicNanoseconds()
        let deadline = Deadline.afterMilliseconds(timeoutMs)
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .badParameter("the question is empty") }
        if let maxTokens, !(1...16_384).contains(maxTokens) {
            throw .badParameter("--max-tokens must be 1...16384, got \(maxTokens)")
        }
        guard !png.isEmpty else { throw .badParameter("the image is empty") }
        var encodeRequest = EncodeImageRequest()
        encodeRequest.png = png
        encodeRequest.smartResize = true
        let encoded: EncodeImageResponse = try service("vision tokenizer") { () throws(RPCError) in
            try vision.call(Methods.VisionTokenizer.encodeImage, encodeRequest, deadline: deadline)
        }
        guard let grid = encoded.codes, grid.height > 0, grid.width > 0,
              grid.codes.count == Int(grid.height) * Int(grid.width) else {
            throw .service("vision tokenizer", RPCError(.internal, "EncodeImage returned no code grid"))
        }
        let s = try specialTokens(deadline: deadline)
        let (h, w) = (Int(grid.height), Int(grid.width))
        let texts = try encode([defaults.systemPrompt + " USER: ", "\(h)*\(w)", question + ". ASSISTANT:"], deadline: deadline)
        var span: [Int32] = [s.imageStartId] + texts[1] + [s.imageTokenId]
        span.reserveCapacity(span.count + h * (w + 1) + 2)
        for r in 0..<h {
            span += grid.codes[(r * w)..<((r + 1) * w)].map { $0 + s.visualTokenOffset }
            span.append(s.eolId)
        }
        span += [s.eofId, s.imageEndId]
        var request = GenerateRequest()
        request.promptIds = [s.bosId] + texts[0] + span + texts[2]
        var sampling = SamplingParams()
        sampling.greedy = true
        request.sampling = sampling
        var limit = maxTokens ?? defaults.understandMaxTokens
        if maxTokens == nil, let context = backboneContext(deadline: deadline) {
            limit = min(limit, context - request.promptIds.count)
        }
        guard limit >= 1 else {
            throw .badParameter("the image and question take \(request.promptIds.count) tokens: no room is left in the model's context")
        }
        request.maxNewTokens = Int32(limit)
        var stream: TextStream?
        var onProgress: (@Sendable (ProgressResponse) -> Void)?
        if let onText {
            let st = TextStream(pipeline: self, deadline: deadline, eos: s.eosId, emit: onText)
            stream = st
            onProgress = { p in st.add(p.newIds) }
        }
        let response = try runGenerate(request, requestId: requestId, deadline: deadline, cancellation: cancellation,
                                       onProgress: onProgress)
        let answerIds = response.ids.filter { $0 != s.eosId }
        let text = try decode(answerIds, deadline: deadline)
        stream?.finish(text)
        return Understanding(text: text, tokenIds: response.ids, gridHeight: h, gridWidth: w,
                             elapsedMs: Int64((monotonicNanoseconds() - start) / 1_000_000))
    }
}

/// Turns streamed ids into appended text: decodes everything so far and emits the new part,
/// holding back a trailing U+FFFD (an incomplete UTF-8 sequence that the next id may finish).
final class TextStream: @unchecked Sendable {
    // protected by `lock`.
    private let lock = Lock()
    private var ids: [Int32] = []
    private var emitted = ""
    private let pipeline: Pipeline
    private let deadline: Deadline
    private let eos: Int32
    private let emit: @Sendable (String) -> Void

    init(pipeline: Pipeline, deadline: Deadline, eos: Int32, emit: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.deadline = deadline
        self.eos = eos
        self.emit = emit
    }

    func add(_ new: [Int32]) {
        guard !new.isEmpty else { return }
        let all = lock.withLock { () -> [Int32] in ids += new.filter { $0 != eos }; return ids }
        guard var text = try? pipeline.decode(all, deadline: deadline) else { return }
        while text.hasSuffix("\u{FFFD}") { text.removeLast() }
        publish(text)
    }

    func finish(_ text: String) { publish(text) }

    private func publish(_ text: String) {
        let delta = lock.withLock { () -> String? in
            guard text.hasPrefix(emitted), text.count > emitted.count else { return nil }
            defer { emitted = text }
            return String(text.dropFirst(emitted.count))
        }
        if let delta { emit(delta) }
    }
}
