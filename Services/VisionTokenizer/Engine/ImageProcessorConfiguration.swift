// The image processor settings (preprocessor_config.json, spec §1.2 and §4.1).
import Foundation

/// How images become pixels for the VQ encoder.
public struct ImageProcessorConfiguration: Sendable, Equatable {
    /// smart_resize lower area bound (262144 = 512²).
    public var minPixels: Int
    /// smart_resize upper area bound (1048576 = 1024²).
    public var maxPixels: Int
    /// smart_resize snaps sides to multiples of this (8).
    public var spatialFactor: Int
    /// Per-channel mean and std after rescaling (0.5 in the shipped config, not the CLIP class
    /// defaults; pitfall §9.22).
    public var mean: [Double]
    public var std: [Double]
    /// 1/255.
    public var rescaleFactor: Double
    /// Longest/shortest side limit of smart_resize (transformers 200; the original code used 5).
    public var maxAspectRatio: Double

    /// The shipped `preprocessor_config.json` values.
    public static let `default` = ImageProcessorConfiguration(
        minPixels: 512 * 512, maxPixels: 1024 * 1024, spatialFactor: 8, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5],
        rescaleFactor: 1.0 / 255.0, maxAspectRatio: 200)

    /// Reads preprocessor_config.json; missing keys keep the shipped values.
    /// - Throws: `VisionTokenizerError.configUnreadable` / `.configInvalid`.
    public static func load(contentsOf url: URL) throws(VisionTokenizerError) -> ImageProcessorConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .configUnreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        guard let fields = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .configUnreadable(path: url.path, reason: "not a JSON object")
        }
        let reader = ConfigReader(fields: fields)
        let d = ImageProcessorConfiguration.default
        let config = ImageProcessorConfiguration(
            minPixels: try reader.int("min_pixels", default: d.minPixels),
            maxPixels: try reader.int("max_pixels", default: d.maxPixels),
            spatialFactor: try reader.int("spatial_factor", default: d.spatialFactor),
            mean: try reader.doubles("image_mean", default: d.mean), std: try reader.doubles("image_std", default: d.std),
            rescaleFactor: try reader.double("rescale_factor", default: d.rescaleFactor),
            maxAspectRatio: try reader.double("max_aspect_ratio", default: d.maxAspectRatio))
        if try reader.int("resample", default: 3) != 3 {
            throw .configInvalid(key: "resample", reason: "only 3 (bicubic) is supported")
        }
        for key in ["do_resize", "do_rescale", "do_normalize", "do_convert_rgb"] where try reader.bool(key, default: true) == false {
            throw .configInvalid(key: key, reason: "false is not supported")
        }
        try config.validate()
        return config
    }

    /// - Throws: `.configInvalid` naming the key.
    public func validate() throws(VisionTokenizerError) {
        guard spatialFactor >= 1 else { throw .configInvalid(key: "spatial_factor", reason: "must be positive") }
        guard minPixels >= 1, maxPixels >= minPixels else {
            throw .configInvalid(key: "min_pixels/max_pixels", reason: "need 1 ≤ min_pixels ≤ max_pixels")
        }
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw .configInvalid(key: "image_mean/image_std", reason: "need 3 values each, std positive")
        }
        guard rescaleFactor > 0, maxAspectRatio >= 1 else {
            throw .configInvalid(key: "rescale_factor/max_aspect_ratio", reason: "must be positive (ratio ≥ 1)")
        }
    }
}
