// Reading the VQ config in its three forms (spec §1.2, §1.3) and rejecting bad values.
import Foundation
import Testing
@testable import VisionTokenizerEngine

@Suite struct ConfigurationTests {
    static let transformersJSON = """
        {"model_type": "emu3_vqgan", "codebook_size": 32768, "embed_dim": 4, "latent_channels": 4, "double_latent": false,
         "in_channels": 3, "out_channels": 3, "temporal_downsample_factor": 4, "base_channels": 256,
         "channel_multiplier": [1, 2, 2, 4], "num_res_blocks": 2, "attn_resolutions": [3], "hidden_size": 1024,
         "num_attention_heads": 1, "attention_dropout": 0.0}
        """
    static let originalJSON = """
        {"architectures": ["Emu3VisionVQModel"], "model_type": "Emu3VisionVQ", "codebook_size": 32768, "embed_dim": 4,
         "z_channels": 4, "double_z": false, "in_channels": 3, "out_channels": 3, "ch": 256, "ch_mult": [1, 2, 2, 4],
         "num_res_blocks": 2, "attn_resolutions": [3], "temporal_downsample_factor": 4, "dropout": 0.0}
        """

    @Test func transformersFormIsTheReleasedShape() throws {
        let (config, naming) = try VQConfiguration.parse(Data(Self.transformersJSON.utf8))
        #expect(config == .released)
        #expect(naming == .transformers)
        #expect(config.spatialFactor == 8 && config.temporalStages == 2)
    }

    @Test func originalFormIsTheReleasedShape() throws {
        let (config, naming) = try VQConfiguration.parse(Data(Self.originalJSON.utf8))
        #expect(config == .released)
        #expect(naming == .original)
    }

    @Test func combinedConfigUsesVQConfig() throws {
        let combined = "{\"architectures\": [\"Emu3ForConditionalGeneration\"], \"text_config\": {\"hidden_size\": 4096}, \"vq_config\": \(Self.transformersJSON)}"
        let (config, naming) = try VQConfiguration.parse(Data(combined.utf8))
        #expect(config == .released && naming == .transformers)
    }

    @Test func badValuesNameTheKey() {
        func parse(_ patch: String) throws { _ = try VQConfiguration.parse(Data(patch.utf8)) }
        #expect(throws: VisionTokenizerError.configInvalid(key: "channel_multiplier", reason: "level 0 has 48 channels, not a multiple of 32 (GroupNorm)")) {
            try parse("{\"base_channels\": 48, \"channel_multiplier\": [1, 2], \"hidden_size\": 96}")
        }
        #expect(throws: VisionTokenizerError.self) { try parse("{\"base_channels\": 32, \"channel_multiplier\": [1, 2], \"hidden_size\": 32, \"attn_resolutions\": [1]}") }
        #expect(throws: VisionTokenizerError.configInvalid(key: "double_z", reason: "true is not supported (the released model uses false)")) {
            try parse("{\"ch\": 256, \"double_z\": true}")
        }
        #expect(throws: VisionTokenizerError.configInvalid(key: "channel_multiplier", reason: "must be a list of integers")) {
            try parse("{\"channel_multiplier\": [1, 1.5]}")
        }
        #expect(throws: VisionTokenizerError.configInvalid(key: "num_res_blocks", reason: "must be an integer")) {
            try parse("{\"num_res_blocks\": \"two\"}")
        }
        #expect(throws: VisionTokenizerError.configInvalid(key: "temporal_downsample_factor", reason: "must be a power of two")) {
            try parse("{\"temporal_downsample_factor\": 3}")
        }
        #expect(throws: VisionTokenizerError.configInvalid(key: "vq_config", reason: "must be an object")) { try parse("{\"vq_config\": 3}") }
        #expect(throws: VisionTokenizerError.configUnreadable(path: "config.json", reason: "not valid JSON")) { try parse("{") }
    }

    @Test func missingModelDirectoryIsNamed() {
        let path = "/nonexistent/emu3-tiny"
        #expect(throws: VisionTokenizerError.modelNotFound(path: path)) {
            try VisionTokenizer(modelDirectory: URL(fileURLWithPath: path))
        }
    }

    @Test func preprocessorConfigOfTheFixtureIsRead() throws {
        let p = try ImageProcessorConfiguration.load(contentsOf: Fixtures.model("tiny-a").appendingPathComponent("preprocessor_config.json"))
        #expect(p.minPixels == 1024 && p.maxPixels == 3072 && p.spatialFactor == 4)
        #expect(p.mean == [0.5, 0.5, 0.5] && p.std == [0.5, 0.5, 0.5])
    }
}
