import Tensor

// The decoding loop: spec §6.2 (layout), §6.3 (CFG), §6.4 (sampling), §6.6 (exact shortcuts).

/// Runs one generation on a model. Single use; not thread-safe.
struct Generator {
    let model: Emu3Model
    let request: GenerationRequest
    let newTokenLimit: Int
    let layout: ImageLayoutConstraint?
    let control: GenerationControl?
    let progress: ((GenerationProgress) -> Void)?
    /// Prompt tokens per forward pass and stream (bounds activation memory on long prompts).
    let prefillChunk: Int

    func run() throws(BackboneError) -> GenerationResult {
        let c = model.configuration
        let tokens = c.tokens
        let cfg = request.negativePrompt != nil && request.cfgScale != 1  // s = 1 is exactly no CFG
        let s = request.cfgScale
        var streams = [Stream(cache: model.makeCache(initialCapacity: request.prompt.count + newTokenLimit))]
        streams[0].pending = request.prompt
        if cfg, let neg = request.negativePrompt {
            streams.append(Stream(cache: model.makeCache(initialCapacity: neg.count + newTokenLimit)))
            streams[1].pending = neg
            if request.batching == .leftPadded { try leftPad(&streams) }
        }
        let ws = ForwardWorkspace()
        var sampler = Sampler(request.sampling)
        var output: [Int32] = []
        var reported = 0
        let clock = ContinuousClock()
        let start = clock.now
        var prefillEnd: ContinuousClock.Instant? = nil
        let eos = Set(tokens.eos)
        let stops = Set(request.stopIds)
        let visualRange = tokens.visualRange.map { Int($0.lowerBound)..<Int($0.upperBound) }
        let layoutTokens = layout?.remaining(promptLength: request.prompt.count)

        func report(_ phase: GenerationProgress.Phase) {
            guard let progress else { return }
            progress(GenerationProgress(phase: phase, tokensDone: output.count, tokensTotal: newTokenLimit,
                                        newTokens: Array(output[reported...])))
            reported = output.count
        }

        while true {
            try control?.check(tokensDone: output.count)
            if output.count == newTokenLimit {
                return finish(output, output.count == layoutTokens ? .layoutComplete : .maxTokens, start, prefillEnd)
            }
            let rule = layout?.step(at: request.prompt.count + output.count)
            let token: Int32
            if case .forced(let forced) = rule {
                token = forced  // §6.6.3: no lm_head, no sampling; fed with the next forward
            } else {
                // One forward for everything pending (prompt, or forced tokens plus the last one).
                let hidden = try forwardPending(&streams, ws)
                if prefillEnd == nil {
                    prefillEnd = clock.now
                    report(.prefill)
                }
                let subset = rule == .visual ? visualRange : nil
                // Both streams' rows in one pass over lm_head (§6.6.2: weights read once per step).
                let all = model.logits(stacking: hidden, vocabulary: subset, workspace: ws).scalars
                let n = all.count / hidden.count
                var scores = Array(all[0..<n])
                if cfg { Self.guide(&scores, unconditional: Array(all[n..<(2 * n)]), scale: s, subsetOnly: subset != nil) }
                if rule == .visual && subset == nil { Self.maskToVisual(&scores, tokens.visualIds) }
                let base = subset?.lowerBound ?? 0
                token = Int32(base + sampler.choose(&scores))
            }
            output.append(token)
            for i in streams.indices { streams[i].pending.append(token) }
            report(.decoding)
            if output.count == layoutTokens {
                return finish(output, .layoutComplete, start, prefillEnd)
            }
            if eos.contains(token) { return finish(output, .eos, start, prefillEnd) }
            if stops.contains(token) { return finish(output, .stopId, start, prefillEnd) }
        }
    }

    /// Feeds every stream's pending tokens (chunked) and returns each stream's last hidden state.
    private func forwardPending(_ streams: inout [Stream], _ ws: ForwardWorkspace) throws(BackboneError) -> [Tensor] {
        let chunk = prefillChunk
        while streams.contains(where: { $0.pending.count > chunk }) {
            var steps: [StreamStep] = []
            for i in streams.indices {
                let n = streams[i].pending.count > chunk ? chunk : 0
                steps.append(streams[i].take(n, output: .none))
            }
            _ = try model.forward(steps, workspace: ws)
        }
        var steps: [StreamStep] = []
        for i in streams.indices { steps.append(streams[i].take(streams[i].pending.count, output: .last)) }
        return try model.forward(steps, workspace: ws)
    }

    /// Left-pads the two prompts to one length (reference batching, §2.4).
    private func leftPad(_ streams: inout [Stream]) throws(BackboneError) {
        let width = streams.map(\.pending.count).max() ?? 0
        try RequestValidation.length(width + newTokenLimit, field: "padded prompt + new tokens",
                                     maxLength: model.configuration.maxPositionEmbeddings)
        for i in streams.indices {
            let pad = width - streams[i].pending.count
            streams[i].pending = Array(repeating: model.configuration.tokens.pad, count: pad) + streams[i].pending
            streams[i].pendingPadding = Array(repeating: true, count: pad) + Array(repeating: false, count: width - pad)
        }
    }

    /// CFG (spec §6.3): g = s·(log softmax ℓc − log softmax ℓu) + log softmax ℓu. Over the
    /// visual subset alone the log-sum-exps are constants, and everything after CFG is
    /// shift-invariant, so there g = s·ℓc + (1 − s)·ℓu is exact (§6.3, verified identity).
    static func guide(_ c: inout [Float], unconditional u: [Float], scale s: Float, subsetOnly: Bool) {
        if subsetOnly {
            for i in c.indices { c[i] = s * c[i] + (1 - s) * u[i] }
            return
        }
        let lc = c.withUnsafeBufferPointer { Softmax.logSumExp($0) }
        let lu = u.withUnsafeBufferPointer { Softmax.logSumExp($0) }
        for i in c.indices {
            let a = c[i] - lc
            let b = u[i] - lu
            c[i] = s * (a - b) + b
        }
    }

    /// Sets every non-visual score to −∞ (only when the visual ids are not one range).
    static func maskToVisual(_ scores: inout [Float], _ visual: [Int32]) {
        var allowed = [Bool](repeating: false, count: scores.count)
        for v in visual where Int(v) < scores.count { allowed[Int(v)] = true }
        for i in scores.indices where !allowed[i] { scores[i] = -.infinity }
    }

    private func finish(
        _ ids: [Int32], _ reason: FinishReason, _ start: ContinuousClock.Instant, _ prefillEnd: ContinuousClock.Instant?
    ) -> GenerationResult {
        let now = ContinuousClock.now
        let p = prefillEnd ?? now
        return GenerationResult(ids: ids, finishReason: reason, promptTokens: request.prompt.count,
                                prefillSeconds: (p - start).seconds, decodeSeconds: (now - p).seconds)
    }
}

/// One stream's cache and the tokens not yet fed to it.
struct Stream {
    let cache: KVCache
    var pending: [Int32] = []
    var pendingPadding: [Bool]? = nil

    init(cache: KVCache) { self.cache = cache }

    /// Removes the first `n` pending tokens as a forward step.
    mutating func take(_ n: Int, output: HiddenSelection) -> StreamStep {
        let tokens = Array(pending.prefix(n))
        pending.removeFirst(n)
        var padding: [Bool]? = nil
        if let p = pendingPadding {
            padding = (0..<n).map { $0 < p.count ? p[$0] : false }
            pendingPadding = p.count > n ? Array(p.dropFirst(n)) : nil
        }
        return StreamStep(cache: cache, tokens: tokens, padding: padding, output: output)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
