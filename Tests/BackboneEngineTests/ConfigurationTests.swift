import Foundation
import Testing
@testable import BackboneEngine

/// Fixture folder (Tests/Fixtures/backbone), found from this file's path.
let fixtureRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/backbone")

@Suite("config.json of both kinds")
struct ConfigurationTests {
    @Test("a transformers Emu3ForConditionalGeneration config: text_config, rope_parameters, vocabulary_map")
    func transformersConfig() throws {
        let c = try Emu3TextConfiguration(contentsOf: fixtureRoot.appendingPathComponent("gqa-f32/config.json"))
        #expect(c.vocabularySize == 290 && c.hiddenSize == 64 && c.layerCount == 2)
        #expect(c.headCount == 8 && c.kvHeadCount == 2 && c.headDim == 8 && c.groupSize == 4)
        #expect(c.ropeTheta == 1e6 && c.ropeLinearFactor == nil && c.rmsNormEpsilon == 1e-5)
        #expect(!c.tieWordEmbeddings && c.maxPositionEmbeddings == 256)
        let t = c.tokens
        #expect(t.pad == 150 && t.eol == 154 && t.eof == 155 && t.bos == 157 && t.eos == [158])
        #expect(t.imageToken == 159 && t.imageStart == 160 && t.imageEnd == 161)
        #expect(t.visualRange == 162..<290)
    }

    @Test("an original BAAI flat config: rope_theta at the top, *_token_id fields")
    func originalConfig() throws {
        let c = try Emu3TextConfiguration(contentsOf: fixtureRoot.appendingPathComponent("gqa-original/config.json"))
        let h = try Emu3TextConfiguration(contentsOf: fixtureRoot.appendingPathComponent("gqa-f32/config.json"))
        #expect(c == h)
    }

    @Test("a tied MHA config with its own ids, theta and eps")
    func tiedConfig() throws {
        let c = try Emu3TextConfiguration(contentsOf: fixtureRoot.appendingPathComponent("mha-tied/config.json"))
        #expect(c.tieWordEmbeddings && c.headCount == 4 && c.kvHeadCount == 4 && c.headDim == 12)
        #expect(c.ropeTheta == 1e4 && c.rmsNormEpsilon == 1e-6 && c.layerCount == 3)
        #expect(c.tokens.visualRange == 112..<208 && c.tokens.bos == 107)
    }

    nonisolated(unsafe) static let base: [String: Any] = [
        "vocab_size": 20, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 32, "rope_theta": 10000.0,
        "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2, "img_token_id": 3, "boi_token_id": 4,
        "eoi_token_id": 5, "eol_token_id": 6, "eof_token_id": 7,
    ]

    static func parse(_ changes: [String: Any?]) throws(BackboneError) -> Emu3TextConfiguration {
        var d = base
        for (k, v) in changes { d[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: d)
        return try Emu3TextConfiguration(json: data)
    }

    @Test("a flat config derives visual ids from <|image end|> to the vocabulary end")
    func flatVisualIds() throws {
        let c = try Self.parse([:])
        #expect(c.tokens.visualRange == 6..<20)
        #expect(c.headDim == 4)
    }

    @Test("bad configs name the key")
    func badConfigs() {
        #expect(throws: BackboneError.invalidConfig(key: "hidden_size", reason: "missing")) {
            try Self.parse(["hidden_size": nil])
        }
        #expect(throws: BackboneError.invalidConfig(key: "hidden_size", reason: "expected Int")) {
            try Self.parse(["hidden_size": "big"])
        }
        #expect(throws: BackboneError.unsupportedConfig(key: "hidden_act", value: "gelu", supported: ["silu"])) {
            try Self.parse(["hidden_act": "gelu"])
        }
        #expect(throws: BackboneError.unsupportedConfig(
            key: "rope_scaling.rope_type", value: "dynamic", supported: ["default", "linear"])) {
            try Self.parse(["rope_scaling": ["type": "dynamic", "factor": 2.0]])
        }
        #expect(throws: BackboneError.invalidConfig(
            key: "num_key_value_heads", reason: "3 does not divide num_attention_heads 2")) {
            try Self.parse(["num_key_value_heads": 3])
        }
        #expect(throws: BackboneError.invalidConfig(key: "eos token id", reason: "99 is outside the vocabulary 0..<20")) {
            try Self.parse(["eos_token_id": 99])
        }
        #expect(throws: BackboneError.invalidConfig(key: "rope_theta", reason: "missing (also not in rope_parameters)")) {
            try Self.parse(["rope_theta": nil])
        }
        #expect(throws: BackboneError.configUnreadable(path: "config.json", reason: "not valid JSON")) {
            try Emu3TextConfiguration(json: Data("{not json".utf8))
        }
    }

    @Test("linear RoPE scaling and eos lists are read")
    func ropeScalingAndEosList() throws {
        let c = try Self.parse(["rope_scaling": ["type": "linear", "factor": 2.0], "eos_token_id": [2, 9]])
        #expect(c.ropeLinearFactor == 2 && c.tokens.eos == [2, 9])
    }
}
