import Foundation
import Logging
import Tensor

/// The Emu3 text backbone on CPU: loads a checkpoint, generates (greedy, sampled, CFG,
/// image layout), scores, and exposes raw logits for parity checks. No sockets, no protos.
///
/// Thread safety: the engine is immutable and `Sendable`; every call builds its own KV caches
/// and scratch, so calls may run concurrently (each then competes for the same cores — the
/// service admits one job at a time per NUMA node). Calls block their thread: run them on a
/// dedicated thread, never on the cooperative pool.
public final class BackboneEngine: Sendable {
    /// The model's configuration (shapes, context length, token ids).
    public let configuration: Emu3TextConfiguration
    /// The decoder.
    public let model: Emu3Model
    /// Prompt tokens per stream in one forward pass (bounds activation memory on long inputs).
    public let prefillChunk: Int
    private let logger: Logger

    /// Loads `config.json` and the safetensors weights (single or sharded) of `directory`.
    /// - Throws: `BackboneError` — unreadable/invalid config, corrupt or truncated weight files
    ///   (`.weightsUnreadable` naming the file and tensor), missing or mis-shaped tensors.
    public convenience init(
        modelDirectory directory: URL, threads: ComputeThreads = .available, prefillChunk: Int = 512,
        logger: Logger = Logger(label: "emu3.backbone.engine")
    ) throws(BackboneError) {
        let configuration = try Emu3TextConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        let source = try SafeTensorsSource(directory: directory)
        try self.init(configuration: configuration, source: source, threads: threads, prefillChunk: prefillChunk,
                      logger: logger)
    }

    /// Wraps weights from `source` (views, no copies).
    /// - Parameters:
    ///   - threads: workers for the kernels; also sets OpenBLAS's thread count (process-wide).
    ///   - prefillChunk: prompt tokens per stream and forward pass (≥ 1).
    /// - Throws: `BackboneError` naming the missing/mis-shaped tensor.
    public init(
        configuration: Emu3TextConfiguration, source: TensorSource, threads: ComputeThreads = .available,
        prefillChunk: Int = 512, logger: Logger = Logger(label: "emu3.backbone.engine")
    ) throws(BackboneError) {
        threads.configureBLAS()
        self.prefillChunk = max(1, prefillChunk)
        self.configuration = configuration
        model = try Emu3Model(configuration: configuration, source: source, threads: threads)
        self.logger = logger
        logger.debug("backbone loaded", metadata: [
            "weights.bytes": "\(model.weightBytes)", "weights.dtype": "\(model.weightDType.rawValue)",
            "layers": "\(configuration.layerCount)", "threads": "\(threads.count)",
        ])
    }

    /// Generates new tokens for `request`.
    /// - Parameters:
    ///   - control: checked between steps (cancel, deadline).
    ///   - progress: called on the calling thread after the prefill and after each token.
    /// - Returns: the new ids and why generation stopped.
    /// - Throws: `BackboneError` — request validation (INVALID_ARGUMENT), `.cancelled`,
    ///   `.deadlineExceeded`.
    public func generate(
        _ request: GenerationRequest, control: GenerationControl? = nil,
        progress: ((GenerationProgress) -> Void)? = nil
    ) throws(BackboneError) -> GenerationResult {
        let (limit, layout) = try RequestValidation.generation(request, config: configuration)
        let result = try Generator(model: model, request: request, newTokenLimit: limit, layout: layout,
                                   control: control, progress: progress, prefillChunk: prefillChunk).run()
        logger.debug("generated", metadata: [
            "tokens.in": "\(request.prompt.count)", "tokens.out": "\(result.ids.count)",
            "finish": "\(result.finishReason.rawValue)",
        ])
        return result
    }

    /// Per-token log-probabilities of each item's continuation given its context.
    /// - Throws: `BackboneError` for bad ids or lengths, `.cancelled`, `.deadlineExceeded`.
    public func score(_ items: [ScoreItem], control: GenerationControl? = nil) throws(BackboneError) -> [TokenLogProbs] {
        try Scorer(model: model, control: control, chunk: prefillChunk).score(items)
    }

    /// Logits of one sequence (no cache kept): the last position's, or every position's.
    /// - Returns: [1 or tokens.count, vocab].
    /// - Throws: `BackboneError` for bad ids or a sequence longer than the context.
    public func logits(tokens: [Int32], allPositions: Bool = false) throws(BackboneError) -> Tensor {
        try RequestValidation.tokens(tokens, field: "tokens", vocabularySize: configuration.vocabularySize)
        try RequestValidation.length(tokens.count, field: "tokens", maxLength: configuration.maxPositionEmbeddings)
        let ws = ForwardWorkspace()
        let cache = model.makeCache(initialCapacity: tokens.count)
        var hidden: [Tensor] = []
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + prefillChunk)
            let out: HiddenSelection = allPositions ? .all : (end == tokens.count ? .last : .none)
            let h = try model.forward([StreamStep(cache: cache, tokens: Array(tokens[start..<end]), output: out)],
                                      workspace: ws)[0]
            if h.shape[0] > 0 { hidden.append(h) }
            start = end
        }
        let rows = hidden.reduce(0) { $0 + $1.shape[0] }
        var all = Tensor(zeros: [rows, configuration.hiddenSize])
        var at = 0
        for h in hidden {
            Elementwise.copyRows(h, from: 0, count: h.shape[0], into: &all, to: at)
            at += h.shape[0]
        }
        return model.logits(all, workspace: ws)
    }

    /// Final-position logits of a left-padded batch, as transformers computes it inside
    /// `generate` (positions cumsum(mask) − 1, padding masked; spec §2.4, §9.24).
    /// - Parameters:
    ///   - rows: equal-length rows of ids (padding ids included).
    ///   - attentionMask: per id, 1 for a real token and 0 for padding.
    /// - Returns: [rows.count, vocab].
    /// - Throws: `BackboneError.invalidBatch` for ragged rows or mask values other than 0/1.
    public func paddedBatchLogits(rows: [[Int32]], attentionMask: [[Int32]]) throws(BackboneError) -> Tensor {
        guard !rows.isEmpty, rows.count == attentionMask.count else {
            throw .invalidBatch(reason: "\(rows.count) rows but \(attentionMask.count) mask rows")
        }
        let width = rows[0].count
        var steps: [StreamStep] = []
        for (i, (row, mask)) in zip(rows, attentionMask).enumerated() {
            guard row.count == width, mask.count == width else {
                throw .invalidBatch(reason: "row \(i) has \(row.count) ids and \(mask.count) mask values, expected \(width)")
            }
            guard mask.allSatisfy({ $0 == 0 || $0 == 1 }), mask.contains(1) else {
                throw .invalidBatch(reason: "row \(i): mask values must be 0 or 1 with at least one 1")
            }
            try RequestValidation.tokens(row, field: "rows[\(i)]", vocabularySize: configuration.vocabularySize)
            try RequestValidation.length(width, field: "rows[\(i)]", maxLength: configuration.maxPositionEmbeddings)
            steps.append(StreamStep(cache: model.makeCache(initialCapacity: width), tokens: row,
                                    padding: mask.map { $0 == 0 }, output: .last))
        }
        let ws = ForwardWorkspace()
        let hidden = try model.forward(steps, workspace: ws)
        var stacked = Tensor(zeros: [rows.count, configuration.hiddenSize])
        for (i, h) in hidden.enumerated() { Elementwise.copyRows(h, from: 0, count: 1, into: &stacked, to: i) }
        return model.logits(stacked, workspace: ws)
    }
}
