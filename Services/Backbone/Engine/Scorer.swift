import Tensor

/// One scoring job: the log-probability of `continuation` after `context`.
public struct ScoreItem: Sendable, Equatable {
    /// Conditioning ids; not empty (the first continuation token needs a predecessor).
    public var context: [Int32]
    /// Ids to score; may be empty.
    public var continuation: [Int32]

    public init(context: [Int32], continuation: [Int32]) {
        self.context = context
        self.continuation = continuation
    }
}

/// Per-token log-probabilities of one item's continuation.
public struct TokenLogProbs: Sendable, Equatable {
    /// log p(continuationᵢ | context, continuation₀..ᵢ₋₁), natural log.
    public var logprobs: [Float]
    /// Their sum (in f64).
    public var total: Double
}

/// Scores a batch: short items share forward passes as one ragged batch (rows ≤ `chunk`),
/// long ones run alone in chunks; logits are computed in row blocks and reduced at once
/// (a full-vocabulary logits matrix for a long continuation would not fit in memory).
struct Scorer {
    let model: Emu3Model
    let control: GenerationControl?
    /// Tokens per forward pass.
    let chunk: Int
    /// Rows of logits materialised at once.
    static let logitBlock = 128

    func score(_ items: [ScoreItem]) throws(BackboneError) -> [TokenLogProbs] {
        let c = model.configuration
        for (i, item) in items.enumerated() {
            try RequestValidation.tokens(item.context, field: "items[\(i)].context_ids", vocabularySize: c.vocabularySize)
            try RequestValidation.tokens(item.continuation, field: "items[\(i)].continuation_ids",
                                         vocabularySize: c.vocabularySize, nonEmpty: false)
            try RequestValidation.length(item.context.count + item.continuation.count, field: "items[\(i)]",
                                         maxLength: c.maxPositionEmbeddings)
        }
        var results = [TokenLogProbs?](repeating: nil, count: items.count)
        let ws = ForwardWorkspace()
        var group: [Int] = []
        var groupRows = 0
        func flush() throws(BackboneError) {
            guard !group.isEmpty else { return }
            try control?.check(tokensDone: 0)
            let caches = group.map { model.makeCache(initialCapacity: fed(items[$0]).count) }
            let steps = zip(group, caches).map { StreamStep(cache: $1, tokens: fed(items[$0]), output: .all) }
            let hidden = try model.forward(steps, workspace: ws)
            for (j, i) in group.enumerated() { results[i] = reduce(items[i], hidden: hidden[j], firstPosition: 0, ws) }
            group = []
            groupRows = 0
        }
        for (i, item) in items.enumerated() {
            let n = fed(item).count
            if n > chunk {
                results[i] = try scoreLong(item, ws)
                continue
            }
            if groupRows + n > chunk { try flush() }
            group.append(i)
            groupRows += n
        }
        try flush()
        return results.map { $0! }
    }

    /// The tokens fed to the model: context plus all but the last continuation token.
    private func fed(_ item: ScoreItem) -> [Int32] { item.context + item.continuation.dropLast() }

    private func scoreLong(_ item: ScoreItem, _ ws: ForwardWorkspace) throws(BackboneError) -> TokenLogProbs {
        let tokens = fed(item)
        let cache = model.makeCache(initialCapacity: tokens.count)
        var partial = TokenLogProbs(logprobs: [], total: 0)
        var start = 0
        while start < tokens.count {
            try control?.check(tokensDone: 0)
            let end = min(tokens.count, start + chunk)
            let needed = end > item.context.count - 1
            let step = StreamStep(cache: cache, tokens: Array(tokens[start..<end]), output: needed ? .all : .none)
            let hidden = try model.forward([step], workspace: ws)[0]
            if needed {
                let r = reduce(item, hidden: hidden, firstPosition: start, ws)
                partial.logprobs += r.logprobs
                partial.total += r.total
            }
            start = end
        }
        return partial
    }

    /// Log-probabilities for the continuation targets whose predecessors are the hidden rows
    /// (row r is position firstPosition + r of the fed tokens).
    private func reduce(_ item: ScoreItem, hidden: Tensor, firstPosition: Int, _ ws: ForwardWorkspace) -> TokenLogProbs {
        let d = model.configuration.hiddenSize
        let rows = hidden.shape[0]
        let first = max(0, item.context.count - 1 - firstPosition)  // first row predicting a continuation token
        var out = TokenLogProbs(logprobs: [], total: 0)
        guard first < rows, !item.continuation.isEmpty else { return out }
        var r = first
        while r < rows {
            let n = min(Self.logitBlock, rows - r)
            var block = Tensor(zeros: [n, d])
            Elementwise.copyRows(hidden, from: r, count: n, into: &block, to: 0)
            let logits = model.logits(block, vocabulary: nil, workspace: ws)
            let vocab = logits.shape[1]
            logits.withUnsafeBufferPointer { p in
                for b in 0..<n {
                    let position = firstPosition + r + b
                    let target = Int(item.continuation[position - (item.context.count - 1)])
                    let row = UnsafeBufferPointer(rebasing: p[(b * vocab)..<((b + 1) * vocab)])
                    let lp = row[target] - Softmax.logSumExp(row)
                    out.logprobs.append(lp)
                    out.total += Double(lp)
                }
            }
            r += n
        }
        return out
    }
}
