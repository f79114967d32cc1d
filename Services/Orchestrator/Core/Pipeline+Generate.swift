import Emu3Proto
import Foundation
import RPC

/// Parameters of one text-to-image job; nil fields take the model's defaults.
public struct GenerateOptions: Sendable {
    public var prompt: String
    public var negativePrompt: String? = nil
    public var ratio: String = "1:1"
    public var area: Int? = nil
    public var cfgScale: Float? = nil
    public var topK: Int32? = nil
    public var topP: Float? = nil
    public var temperature: Float? = nil
    public var seed: UInt64 = 0
    public var timeoutMs: Int64 = 3_600_000

    public init(prompt: String) { self.prompt = prompt }
}

public struct GeneratedImage: Sendable {
    public var png: [UInt8]
    public var width: Int
    public var height: Int
    public var gridHeight: Int
    public var gridWidth: Int
    public var seed: UInt64
    public var tokenIds: [Int32]
    public var elapsedMs: Int64
    public var parameters: [String: String]
}

extension Pipeline {
    /// The grid a job will generate, validated against what the model was trained on.
    public func grid(for o: GenerateOptions) throws(PipelineError) -> (height: Int, width: Int) {
        let g = try ImageGrid.fromRatio(o.ratio, area: o.area ?? defaults.imageArea,
                                        spatialFactor: defaults.spatialFactor, maxAspect: defaults.maxAspectRatio)
        if let allowed = defaults.allowedGrids, !allowed.contains([g.height, g.width]) {
            throw .gridNotTrained(height: g.height, width: g.width, allowed: allowed)
        }
        return g
    }

    /// Text → image (spec §5.3, §6): the prompt and the negative prompt as a CFG pair,
    /// the layout constraint for the grid, then the VQ decoder (frame 0 only).
    /// - Parameter progress: (tokens done, tokens total) while the backbone runs.
    public func generate(_ o: GenerateOptions, requestId: String = RPCClient.newRequestId(),
                         cancellation: CancellationFlag? = nil,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws(PipelineError) -> GeneratedImage {
        let start = monotonicNanoseconds()
        let deadline = Deadline.afterMilliseconds(o.timeoutMs)
        guard !o.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .badParameter("the prompt is empty") }
        let cfg = o.cfgScale ?? defaults.cfgScale
        let topK = o.topK ?? defaults.topK
        let topP = o.topP ?? defaults.topP
        let temperature = o.temperature ?? defaults.temperature
        guard cfg.isFinite, cfg >= 0 else { throw .badParameter("--cfg must be a number ≥ 0 (1 = no guidance), got \(cfg)") }
        guard topK >= 1 else { throw .badParameter("--top-k must be at least 1, got \(topK)") }
        guard topP > 0, topP <= 1 else { throw .badParameter("--top-p must be in (0, 1], got \(topP)") }
        guard temperature > 0, temperature.isFinite else { throw .badParameter("--temperature must be > 0, got \(temperature)") }
        let (h, w) = try grid(for: o)
        let s = try specialTokens(deadline: deadline)
        let negative = o.negativePrompt ?? defaults.negativePrompt
        let texts = try encode([o.prompt + defaults.positiveSuffix, negative, "\(h)*\(w)"], deadline: deadline)
        // BOS + prompt + POS + <|image start|> + "h*w" + <|image token|> (spec §5.3)
        let tail = [s.imageStartId] + texts[2] + [s.imageTokenId]
        var request = GenerateRequest()
        request.promptIds = [s.bosId] + texts[0] + tail
        let useCFG = cfg != 1
        if useCFG { request.negativePromptIds = [s.bosId] + texts[1] + tail }
        var sampling = SamplingParams()
        sampling.temperature = temperature
        sampling.topK = topK
        sampling.topP = topP
        sampling.cfgScale = cfg
        sampling.seed = o.seed
        request.sampling = sampling
        var layout = ImageLayout()
        layout.height = Int32(h)
        layout.width = Int32(w)
        request.layout = layout
        request.maxNewTokens = Int32(h * (w + 1) + 3)
        let response = try runGenerate(request, requestId: requestId, deadline: deadline, cancellation: cancellation) { p in
            progress?(Int(p.tokensDone), Int(p.tokensTotal))
        }
        let codes = try Self.codes(fromImageTokens: response.ids, height: h, width: w, specials: s)
        let parameters: [String: String] = [
            "prompt": o.prompt, "negative_prompt": negative, "ratio": o.ratio, "grid": "\(h)x\(w)",
            "cfg_scale": "\(cfg)", "top_k": "\(topK)", "top_p": "\(topP)", "temperature": "\(temperature)", "seed": "\(o.seed)",
        ]
        var decodeRequest = DecodeImageRequest()
        var grid = CodeGrid()
        grid.frames = 1
        grid.height = Int32(h)
        grid.width = Int32(w)
        grid.codes = codes
        decodeRequest.codes = grid
        decodeRequest.pngText = [
            KeyValue(key: "Software", value: "emu3-swift \(emu3Version)"),
            KeyValue(key: "Description", value: o.prompt),
            KeyValue(key: "Comment", value: parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: "; ")),
        ]
        let image: DecodeImageResponse = try service("vision tokenizer") { () throws(RPCError) in
            try vision.call(Methods.VisionTokenizer.decodeImage, decodeRequest, deadline: deadline)
        }
        return GeneratedImage(png: image.png, width: Int(image.width), height: Int(image.height), gridHeight: h, gridWidth: w,
                              seed: o.seed, tokenIds: response.ids,
                              elapsedMs: Int64((monotonicNanoseconds() - start) / 1_000_000), parameters: parameters)
    }

    /// The h×w codes from the generated ids: h rows of (w visual ids + EOL), then EOF, EOI
    /// (and EOS) (spec §5.2, §6.5).
    static func codes(fromImageTokens ids: [Int32], height h: Int, width w: Int,
                      specials s: SpecialTokensResponse) throws(PipelineError) -> [Int32] {
        guard ids.count >= h * (w + 1) + 2 else {
            throw .malformedImageTokens("\(ids.count) tokens for a \(h)x\(w) grid (need \(h * (w + 1) + 2))")
        }
        var codes: [Int32] = []
        codes.reserveCapacity(h * w)
        for r in 0..<h {
            for c in 0..<w {
                let id = ids[r * (w + 1) + c]
                let code = id - s.visualTokenOffset
                guard code >= 0, code < s.visualTokenCount else {
                    throw .malformedImageTokens("row \(r) column \(c) holds id \(id), not a visual token")
                }
                codes.append(code)
            }
            guard ids[r * (w + 1) + w] == s.eolId else { throw .malformedImageTokens("row \(r) does not end with EOL") }
        }
        guard ids[h * (w + 1)] == s.eofId, ids[h * (w + 1) + 1] == s.imageEndId else {
            throw .malformedImageTokens("the rows are not followed by EOF and <|image end|>")
        }
        return codes
    }
}
