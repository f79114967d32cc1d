// One non-default sample of every emu3.v1 message, for the Emu3Proto round-trip tests.
import Emu3Proto
import Testing

/// A message and a name to show in test output.
struct ProtoSample: Sendable, CustomTestStringConvertible {
    let name: String
    let message: any ProtoMessage
    var testDescription: String { name }

    init<M: ProtoMessage>(_ message: M) {
        self.name = String(describing: M.self)
        self.message = message
    }
}

/// Every message type of proto/emu3/v1 (38), each with non-default values.
let protoSamples: [ProtoSample] = [
    // rpc.proto
    ProtoSample(RpcRequest(
        method: "/emu3.v1.TextTokenizer/Encode", requestId: "req-ü-🙂", deadlineUnixMs: 1_700_000_000_000,
        payload: [0, 255, 0, 1])),
    ProtoSample(RpcReply(
        requestId: "r1", code: 3, message: "prompt is empty — 空", payload: [9], retryAfterMs: -5)),
    ProtoSample(KeyValue(key: "libpng", value: "1.6.39")),
    // health.proto
    ProtoSample(HealthCheckRequest(service: "emu3.v1.Backbone")),
    ProtoSample(HealthCheckResponse(status: .notServing)),
    ProtoSample(InfoRequest()),
    ProtoSample(InfoResponse(
        name: "emu3-backbone", version: "0.1.0", model: "/models/Emu3-Gen", modelLoaded: true, threads: 2,
        recvMaxBytes: 16 << 20, contexts: 8, maxInFlight: 4, methods: ["/a/B", "", "/ß/∂"],
        details: [KeyValue(key: "k", value: "v"), KeyValue()], uptimeMs: Int64.max)),
    // text_tokenizer.proto
    ProtoSample(TokenIds(ids: [0, -1, Int32.max, Int32.min, 151_643])),
    ProtoSample(EncodeRequest(texts: ["hello", "", "日本語 🙂"], allowSpecial: true)),
    ProtoSample(EncodeResponse(results: [TokenIds(ids: [1, 2]), TokenIds(), TokenIds(ids: [3])])),
    ProtoSample(DecodeRequest(sequences: [TokenIds(ids: [7])], skipSpecial: true)),
    ProtoSample(DecodeResponse(texts: ["a", "ä\u{301}"])),
    ProtoSample(SpecialTokensRequest()),
    ProtoSample(SpecialTokensResponse(
        vocabSize: 184_622, padId: 151_643, bosId: 151_849, eosId: 151_850, eolId: 151_846, eofId: 151_847,
        imageTokenId: 151_851, imageStartId: 151_852, imageEndId: 151_853, visualTokenOffset: 151_854,
        visualTokenCount: 32_768)),
    // vision_tokenizer.proto
    ProtoSample(CodeGrid(frames: 1, height: 2, width: 3, codes: [0, 1, 2, 3, 4, 32_767])),
    ProtoSample(EncodeImageRequest(png: [0x89, 0x50, 0x4E, 0x47, 0], smartResize: true)),
    ProtoSample(EncodeImageResponse(codes: CodeGrid(frames: 1, height: 1, width: 1, codes: [5]), width: 8, height: 8)),
    ProtoSample(DecodeImageRequest(
        codes: CodeGrid(frames: 1, height: 1, width: 2, codes: [1, 2]),
        pngText: [KeyValue(key: "prompt", value: "a cat — 猫")])),
    ProtoSample(DecodeImageResponse(png: Array(repeating: 0, count: 100), width: 16, height: 32)),
    ProtoSample(EncodeVideoRequest(framesPng: [[1], [], [0, 0, 0], [255]])),
    ProtoSample(EncodeVideoResponse(codes: CodeGrid(frames: 2))),
    ProtoSample(DecodeVideoRequest(codes: CodeGrid(codes: [-3]))),
    ProtoSample(DecodeVideoResponse(framesPng: [[1, 2], [3]])),
    // backbone.proto
    ProtoSample(SamplingParams(greedy: true, temperature: 0.7, topK: 2048, topP: 0.9, cfgScale: 3.0, seed: UInt64.max)),
    ProtoSample(ImageLayout(height: 90, width: 90)),
    ProtoSample(GenerateRequest(
        promptIds: [1, 2, 3], negativePromptIds: [4], sampling: SamplingParams(temperature: 1),
        layout: ImageLayout(height: 1, width: 2), maxNewTokens: 40_960, stopIds: [151_850])),
    ProtoSample(GenerateResponse(
        ids: [10, 11], finishReason: .layoutComplete, promptTokens: 3, prefillMs: 12, decodeMs: 3456)),
    ProtoSample(ProgressRequest(requestId: "job-1", fromToken: 17)),
    ProtoSample(ProgressResponse(state: .decoding, tokensDone: 5, tokensTotal: 8190, newIds: [7, 8])),
    ProtoSample(CancelRequest(requestId: "job-2")),
    ProtoSample(CancelResponse(found: true)),
    ProtoSample(ScoreItem(contextIds: [1, 2], continuationIds: [3])),
    ProtoSample(ScoreRequest(items: [ScoreItem(contextIds: [1]), ScoreItem(continuationIds: [2])])),
    ProtoSample(TokenLogProbs(logprobs: [-0.5, -1e-8, -.infinity], total: -1.5)),
    ProtoSample(ScoreResponse(results: [TokenLogProbs(logprobs: [-1], total: -1), TokenLogProbs()])),
    // evaluator.proto
    ProtoSample(DpoPair(
        policyChosenLogprob: -1, policyRejectedLogprob: -2, referenceChosenLogprob: -1.5,
        referenceRejectedLogprob: -1.75)),
    ProtoSample(DpoLossRequest(pairs: [DpoPair(policyChosenLogprob: -3)], beta: 0.1)),
    ProtoSample(DpoLossResponse(losses: [0.69, 0.1], meanLoss: 0.395, rewardAccuracy: 0.5)),
]
