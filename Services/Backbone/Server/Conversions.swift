import BackboneEngine
import Emu3Proto
import Foundation
import RPC

/// proto ⇄ engine values. Proto3 zeros mean "unset" where backbone.proto says so.
enum Conversions {
    /// GenerateRequest → engine request. Range checks stay in the engine (one set of errors).
    static func generation(_ r: GenerateRequest) -> GenerationRequest {
        let s = r.sampling ?? SamplingParams()
        let sampling = s.greedy
            ? SamplingParameters.greedy
            : SamplingParameters(
                temperature: s.temperature == 0 ? 1 : s.temperature,  // 0 = unset
                topK: s.topK == 0 ? nil : Int(s.topK),                  // 0 = unset; negative → INVALID_ARGUMENT
                topP: s.topP == 0 ? 1 : s.topP,                         // 0 = unset
                seed: s.seed)
        return GenerationRequest(
            prompt: r.promptIds, negativePrompt: r.negativePromptIds.isEmpty ? nil : r.negativePromptIds,
            cfgScale: s.cfgScale, sampling: sampling,
            layout: r.layout.map { EngineImageLayout(height: Int($0.height), width: Int($0.width)) },
            maxNewTokens: Int(r.maxNewTokens), stopIds: r.stopIds)
    }

    static func response(_ g: GenerationResult) -> GenerateResponse {
        var out = GenerateResponse()
        out.ids = g.ids
        out.finishReason = switch g.finishReason {
        case .eos: .eos
        case .maxTokens: .maxTokens
        case .layoutComplete: .layoutComplete
        case .stopId: .stopId
        }
        out.promptTokens = Int32(clamping: g.promptTokens)
        out.prefillMs = Int64(g.prefillSeconds * 1000)
        out.decodeMs = Int64(g.decodeSeconds * 1000)
        return out
    }

    static func scoreItems(_ r: ScoreRequest) -> [EngineScoreItem] {
        r.items.map { EngineScoreItem(context: $0.contextIds, continuation: $0.continuationIds) }
    }

    static func response(_ results: [EngineTokenLogProbs]) -> ScoreResponse {
        var out = ScoreResponse()
        out.results = results.map {
            var t = TokenLogProbs()
            t.logprobs = $0.logprobs
            t.total = $0.total
            return t
        }
        return out
    }

    /// The RPC deadline as an engine control (checked between steps), plus the server's
    /// cancellation (drain) carried over.
    static func control(_ context: RequestContext) -> GenerationControl {
        let remaining = context.deadline.remainingMilliseconds
        return GenerationControl(deadline: ContinuousClock.now + .milliseconds(max(0, remaining)),
                                 stepDelayMs: stepDelayMs)
    }

    /// `EMU3_FAULT_STEP_DELAY_MS`: a pause before every decoding step (fault injection for the
    /// tests of cancellation and of a crash mid-job; never set in production).
    static let stepDelayMs: Int = ProcessInfo.processInfo.environment["EMU3_FAULT_STEP_DELAY_MS"].flatMap(Int.init)
        .map { min(max($0, 0), 10_000) } ?? 0
}
