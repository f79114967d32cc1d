// Structure of Emu3's VQ autoencoder, read from config.json in any of the three forms it ships
// in (spec §1.2, §1.3): transformers `Emu3VQVAEConfig` (model_type "emu3_vqgan"), the same nested
// as `vq_config` in an `Emu3ForConditionalGeneration` config, or the original BAAI
// `Emu3VisionVQModel` config (`ch`, `ch_mult`, `z_channels`, ...). Never hard-coded (pitfall §9.27).
import Foundation

/// The VQ model's shape.
public struct VQConfiguration: Sendable, Equatable {
    /// Codebook rows (32768 released).
    public var codebookSize: Int
    /// Codebook vector width (4).
    public var embedDimension: Int
    /// Encoder output / decoder input channels (`z_channels` / `latent_channels`, 4).
    public var latentChannels: Int
    public var inChannels: Int
    public var outChannels: Int
    /// Channels of level 0 (`ch` / `base_channels`, 256).
    public var baseChannels: Int
    /// Per-level channel multipliers (`ch_mult` / `channel_multiplier`, [1, 2, 2, 4]).
    public var channelMultipliers: [Int]
    /// Residual blocks per encoder level (decoder levels have one more); also the number of
    /// temporal residual blocks.
    public var residualBlocks: Int
    /// Level indices with attention blocks ([3]).
    public var attentionLevels: [Int]
    /// Frames per latent frame (4); a power of two.
    public var temporalFactor: Int
    /// Attention width; must equal the channels where attention runs (1024 released).
    public var attentionWidth: Int
    /// Attention heads (1 released; transformers allows more).
    public var attentionHeads: Int

    /// Pixels per code along each side: 2^(levels − 1) (8 released).
    public var spatialFactor: Int { 1 << (channelMultipliers.count - 1) }
    /// Channels at `level`.
    public func channels(level: Int) -> Int { baseChannels * channelMultipliers[level] }
    /// Temporal down/up-sampling stages: log2(temporalFactor).
    public var temporalStages: Int { temporalFactor.trailingZeroBitCount }

    /// GroupNorm groups everywhere (spec §3.2).
    public static let groupNormGroups = 32
    /// The released Emu3-VisionTokenizer shape.
    public static let released = VQConfiguration(
        codebookSize: 32768, embedDimension: 4, latentChannels: 4, inChannels: 3, outChannels: 3, baseChannels: 256,
        channelMultipliers: [1, 2, 2, 4], residualBlocks: 2, attentionLevels: [3], temporalFactor: 4,
        attentionWidth: 1024, attentionHeads: 1)

    /// Checks the invariants the model code relies on.
    /// - Throws: `VisionTokenizerError.configInvalid` naming the key.
    public func validate() throws(VisionTokenizerError) {
        func fail(_ key: String, _ reason: String) -> VisionTokenizerError { .configInvalid(key: key, reason: reason) }
        guard codebookSize >= 1, codebookSize <= Int(Int32.max) else { throw fail("codebook_size", "must be 1…2^31−1") }
        guard embedDimension >= 1 else { throw fail("embed_dim", "must be positive") }
        guard latentChannels == embedDimension else {
            throw fail("latent_channels", "must equal embed_dim (\(embedDimension)): the decoder runs both through one temporal stack")
        }
        guard inChannels == 3, outChannels == 3 else { throw fail("in_channels/out_channels", "must be 3 (RGB)") }
        guard !channelMultipliers.isEmpty, channelMultipliers.count <= 8, channelMultipliers.allSatisfy({ $0 >= 1 }) else {
            throw fail("channel_multiplier", "must be 1…8 positive integers")
        }
        guard baseChannels >= 1 else { throw fail("base_channels", "must be positive") }
        for level in channelMultipliers.indices where channels(level: level) % Self.groupNormGroups != 0 {
            throw fail("channel_multiplier", "level \(level) has \(channels(level: level)) channels, not a multiple of 32 (GroupNorm)")
        }
        guard residualBlocks >= 1 else { throw fail("num_res_blocks", "must be at least 1") }
        guard attentionLevels.allSatisfy({ channelMultipliers.indices.contains($0) }) else {
            throw fail("attn_resolutions", "levels must be in 0..<\(channelMultipliers.count)")
        }
        guard temporalFactor >= 1, temporalFactor.nonzeroBitCount == 1 else {
            throw fail("temporal_downsample_factor", "must be a power of two")
        }
        guard attentionHeads >= 1, attentionWidth % attentionHeads == 0 else {
            throw fail("num_attention_heads", "must divide hidden_size \(attentionWidth)")
        }
        let attended = Set(attentionLevels.map { channels(level: $0) } + [channels(level: channelMultipliers.count - 1)])
        guard attended == [attentionWidth] else {
            throw fail("hidden_size", "is \(attentionWidth) but attention runs on \(attended.sorted()) channels")
        }
    }
}

// MARK: - Reading config.json

extension VQConfiguration {
    /// Which naming a config (and usually its checkpoint) uses.
    public enum Naming: String, Sendable { case transformers, original }

    /// Reads and validates a VQ configuration.
    /// - Parameter url: a config.json in any of the three forms.
    /// - Returns: the configuration and the naming its fields used.
    /// - Throws: `VisionTokenizerError.configUnreadable` or `.configInvalid`.
    public static func load(contentsOf url: URL) throws(VisionTokenizerError) -> (VQConfiguration, Naming) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .configUnreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        return try parse(data, path: url.path)
    }

    /// Parses config.json bytes (see `load(contentsOf:)`).
    public static func parse(_ data: Data, path: String = "config.json") throws(VisionTokenizerError) -> (VQConfiguration, Naming) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw .configUnreadable(path: path, reason: "not valid JSON")
        }
        guard var fields = object as? [String: Any] else { throw .configUnreadable(path: path, reason: "not a JSON object") }
        if let nested = fields["vq_config"] {
            guard let nested = nested as? [String: Any] else { throw .configInvalid(key: "vq_config", reason: "must be an object") }
            fields = nested
        }
        let reader = ConfigReader(fields: fields)
        let naming: Naming = ["ch", "ch_mult", "z_channels", "double_z"].contains(where: { fields[$0] != nil }) ? .original : .transformers
        let config: VQConfiguration
        let defaults = VQConfiguration.released
        switch naming {
        case .transformers:
            guard try reader.bool("double_latent", default: false) == false else {
                throw .configInvalid(key: "double_latent", reason: "true is not supported (the released model uses false)")
            }
            config = VQConfiguration(
                codebookSize: try reader.int("codebook_size", default: defaults.codebookSize),
                embedDimension: try reader.int("embed_dim", default: defaults.embedDimension),
                latentChannels: try reader.int("latent_channels", default: defaults.latentChannels),
                inChannels: try reader.int("in_channels", default: 3), outChannels: try reader.int("out_channels", default: 3),
                baseChannels: try reader.int("base_channels", default: defaults.baseChannels),
                channelMultipliers: try reader.ints("channel_multiplier", default: defaults.channelMultipliers),
                residualBlocks: try reader.int("num_res_blocks", default: defaults.residualBlocks),
                attentionLevels: try reader.ints("attn_resolutions", default: defaults.attentionLevels),
                temporalFactor: try reader.int("temporal_downsample_factor", default: defaults.temporalFactor),
                attentionWidth: try reader.int("hidden_size", default: defaults.attentionWidth),
                attentionHeads: try reader.int("num_attention_heads", default: 1))
        case .original:
            guard try reader.bool("double_z", default: false) == false else {
                throw .configInvalid(key: "double_z", reason: "true is not supported (the released model uses false)")
            }
            let base = try reader.int("ch", default: defaults.baseChannels)
            let multipliers = try reader.ints("ch_mult", default: defaults.channelMultipliers)
            config = VQConfiguration(
                codebookSize: try reader.int("codebook_size", default: defaults.codebookSize),
                embedDimension: try reader.int("embed_dim", default: defaults.embedDimension),
                latentChannels: try reader.int("z_channels", default: defaults.latentChannels),
                inChannels: try reader.int("in_channels", default: 3), outChannels: try reader.int("out_channels", default: 3),
                baseChannels: base, channelMultipliers: multipliers,
                residualBlocks: try reader.int("num_res_blocks", default: defaults.residualBlocks),
                attentionLevels: try reader.ints("attn_resolutions", default: defaults.attentionLevels),
                temporalFactor: try reader.int("temporal_downsample_factor", default: defaults.temporalFactor),
                // The original AttnBlock is one head as wide as its input (spec §1.2).
                attentionWidth: base * (multipliers.last ?? 1), attentionHeads: 1)
        }
        try config.validate()
        return (config, naming)
    }
}

/// Typed access to a JSON object's fields, with errors naming the key.
struct ConfigReader {
    let fields: [String: Any]

    func int(_ key: String, default value: Int) throws(VisionTokenizerError) -> Int {
        guard let raw = fields[key], !(raw is NSNull) else { return value }
        guard let number = raw as? NSNumber, !isBool(number), let int = Int(exactly: number.doubleValue) else {
            throw .configInvalid(key: key, reason: "must be an integer")
        }
        return int
    }

    func double(_ key: String, default value: Double) throws(VisionTokenizerError) -> Double {
        guard let raw = fields[key], !(raw is NSNull) else { return value }
        guard let number = raw as? NSNumber, !isBool(number) else { throw .configInvalid(key: key, reason: "must be a number") }
        return number.doubleValue
    }

    func bool(_ key: String, default value: Bool) throws(VisionTokenizerError) -> Bool {
        guard let raw = fields[key], !(raw is NSNull) else { return value }
        guard let number = raw as? NSNumber, isBool(number) else { throw .configInvalid(key: key, reason: "must be true or false") }
        return number.boolValue
    }

    func ints(_ key: String, default value: [Int]) throws(VisionTokenizerError) -> [Int] {
        guard let raw = fields[key], !(raw is NSNull) else { return value }
        guard let array = raw as? [Any] else { throw .configInvalid(key: key, reason: "must be a list of integers") }
        var out: [Int] = []
        for element in array {
            guard let number = element as? NSNumber, !isBool(number), let int = Int(exactly: number.doubleValue) else {
                throw .configInvalid(key: key, reason: "must be a list of integers")
            }
            out.append(int)
        }
        return out
    }

    func doubles(_ key: String, default value: [Double]) throws(VisionTokenizerError) -> [Double] {
        guard let raw = fields[key], !(raw is NSNull) else { return value }
        if let number = raw as? NSNumber, !isBool(number) { return [Double](repeating: number.doubleValue, count: 3) }
        guard let array = raw as? [Any] else { throw .configInvalid(key: key, reason: "must be a number or a list of numbers") }
        var out: [Double] = []
        for element in array {
            guard let number = element as? NSNumber, !isBool(number) else {
                throw .configInvalid(key: key, reason: "must be a list of numbers")
            }
            out.append(number.doubleValue)
        }
        return out
    }

    /// JSON true/false arrive as a boolean NSNumber subclass (__NSCFBoolean) on every platform.
    private func isBool(_ number: NSNumber) -> Bool {
        type(of: number) == type(of: NSNumber(value: true))
    }
}
