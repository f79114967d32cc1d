import Foundation

/// The generation settings a model expects, read from its directory: `emu3_defaults.json`
/// (written by the project for emu3-tiny) and `config.json` (`image_area`), falling back to
/// the official Emu3 values (spec §5.3, §6.1, §6.4).
public struct ModelDefaults: Sendable, Equatable {
    /// Pixels of a generated image (Emu3-Gen: 720², spec §1.1).
    public var imageArea: Int = 518_400
    /// Pixels per code along each side (spec §3: 8).
    public var spatialFactor: Int = 8
    public var cfgScale: Float = 3.0
    public var topK: Int32 = 2048
    public var topP: Float = 1.0
    public var temperature: Float = 1.0
    /// Spec §5.3, appended to the prompt (leading space included).
    public var positiveSuffix = " masterpiece, film grained, best quality."
    /// Spec §5.3, the unconditional CFG stream.
    public var negativePrompt = "lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits, cropped, worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, username, blurry."
    /// Spec §5.3, the understanding template's system text.
    public var systemPrompt = "You are a helpful assistant."
    /// Longest side ratio accepted for `--ratio` (smart_resize refuses more than 5, spec §4.1).
    public var maxAspectRatio: Double = 5
    /// Most tokens an answer may have when the user sets no limit (spec §6.4: 1024).
    public var understandMaxTokens = 1024
    /// When set, the only grid sizes (height, width in codes) the model was trained on.
    public var allowedGrids: [[Int]]? = nil

    public init() {}

    /// Reads the defaults of the model in `directory`; missing files keep the official values.
    /// - Throws: `ConfigError` when a file exists but cannot be parsed.
    public static func load(from directory: URL?) throws -> ModelDefaults {
        var d = ModelDefaults()
        guard let directory else { return d }
        if let cfg = try readJSON(directory.appendingPathComponent("config.json")) {
            if let a = cfg["image_area"] as? Int { d.imageArea = a }
            if let t = cfg["text_config"] as? [String: Any], let a = t["image_area"] as? Int { d.imageArea = a }
            let vq = cfg["vq_config"] as? [String: Any] ?? cfg
            if let m = (vq["channel_multiplier"] ?? vq["ch_mult"]) as? [Int], (1...8).contains(m.count) {
                d.spatialFactor = 1 << (m.count - 1)
            }
        }
        if let j = try readJSON(directory.appendingPathComponent("emu3_defaults.json")) {
            if let h = j["image_height_codes"] as? Int, let w = j["image_width_codes"] as? Int {
                d.imageArea = h * w * d.spatialFactor * d.spatialFactor
                if d.allowedGrids == nil && (j["fixed_grid"] as? Bool ?? true) { d.allowedGrids = [[h, w]] }
            }
            if let v = j["image_area"] as? Int { d.imageArea = v }
            if let v = j["cfg_scale"] as? Double { d.cfgScale = Float(v) }
            if let v = j["top_k"] as? Int { d.topK = Int32(v) }
            if let v = j["top_p"] as? Double { d.topP = Float(v) }
            if let v = j["temperature"] as? Double { d.temperature = Float(v) }
            if let v = j["negative_prompt"] as? String { d.negativePrompt = v }
            if let v = (j["positive_suffix"] ?? j["quality_suffix"]) as? String { d.positiveSuffix = v }
            if let v = j["system_prompt"] as? String { d.systemPrompt = v }
            if let v = j["allowed_grids"] as? [[Int]] { d.allowedGrids = v }
            if let u = j["understanding"] as? [String: Any], let v = u["max_new_tokens"] as? Int { d.understandMaxTokens = v }
        }
        return d
    }

    static func readJSON(_ url: URL) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PipelineError.badModelFile(url.path)
        }
        return obj
    }
}

/// The code grid of a generated image from a "W:H" ratio and an area (spec §6.1):
/// s = √(A/(W·H)); h = round(H·s/8), w = round(W·s/8), Python's round-half-to-even.
public enum ImageGrid {
    public static func fromRatio(_ ratio: String, area: Int, spatialFactor: Int = 8,
                                 maxAspect: Double = 5) throws(PipelineError) -> (height: Int, width: Int) {
        let parts = ratio.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0, w <= 10_000, h <= 10_000 else {
            throw .badRatio(ratio, "expected W:H with positive whole numbers, e.g. 16:9")
        }
        guard Double(max(w, h)) / Double(min(w, h)) <= maxAspect else {
            throw .badRatio(ratio, "the longer side may be at most \(maxAspect)× the shorter")
        }
        let s = (Double(area) / Double(w * h)).squareRoot()
        let gh = Int((Double(h) * s / Double(spatialFactor)).rounded(.toNearestOrEven))
        let gw = Int((Double(w) * s / Double(spatialFactor)).rounded(.toNearestOrEven))
        guard gh >= 1, gw >= 1 else { throw .badRatio(ratio, "the area \(area) is too small for it") }
        return (gh, gw)
    }
}
