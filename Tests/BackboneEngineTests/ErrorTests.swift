import Foundation
import Tensor
import Testing
@testable import BackboneEngine

@Suite("Bad input gets a precise error")
struct RequestErrorTests {
    static let model = TinyModel(seed: 2)
    static let image: [Int32] = [1, 6, 5]

    static func generate(_ r: GenerationRequest) throws(BackboneError) {
        _ = try model.engine().generate(r)
    }

    @Test("ids outside the vocabulary, empty prompts, over-long sequences")
    func tokensAndLengths() throws {
        #expect(throws: BackboneError.tokenOutOfVocabulary(field: "prompt_ids", index: 2, id: 40, vocabularySize: 40)) {
            try Self.generate(GenerationRequest(prompt: [1, 2, 40], maxNewTokens: 1))
        }
        #expect(throws: BackboneError.tokenOutOfVocabulary(field: "negative_prompt_ids", index: 0, id: -1, vocabularySize: 40)) {
            try Self.generate(GenerationRequest(prompt: [1], negativePrompt: [-1], cfgScale: 3, maxNewTokens: 1))
        }
        #expect(throws: BackboneError.tokenOutOfVocabulary(field: "stop_ids", index: 0, id: 99, vocabularySize: 40)) {
            try Self.generate(GenerationRequest(prompt: [1], maxNewTokens: 1, stopIds: [99]))
        }
        #expect(throws: BackboneError.emptyTokens(field: "prompt_ids")) {
            try Self.generate(GenerationRequest(prompt: [], maxNewTokens: 1))
        }
        #expect(throws: BackboneError.sequenceTooLong(field: "prompt_ids + new tokens", length: 97, maxLength: 96)) {
            try Self.generate(GenerationRequest(prompt: Array(repeating: 9, count: 90), maxNewTokens: 7))
        }
        let engine = try Self.model.engine()
        #expect(throws: BackboneError.sequenceTooLong(field: "tokens", length: 97, maxLength: 96)) {
            try engine.logits(tokens: Array(repeating: 9, count: 97))
        }
        #expect(throws: BackboneError.tokenOutOfVocabulary(field: "tokens", index: 0, id: 1000, vocabularySize: 40)) {
            try engine.logits(tokens: [1000])
        }
    }

    @Test("sampling parameters out of range name the field")
    func samplingParameters() {
        let cases: [(SamplingParameters, BackboneError)] = [
            (SamplingParameters(topK: 0), .invalidParameter(field: "top_k", value: "0", allowed: ">= 1 (or unset)")),
            (SamplingParameters(topK: -3), .invalidParameter(field: "top_k", value: "-3", allowed: ">= 1 (or unset)")),
            (SamplingParameters(temperature: -1), .invalidParameter(field: "temperature", value: "-1.0", allowed: "a finite number > 0")),
            (SamplingParameters(temperature: 0), .invalidParameter(field: "temperature", value: "0.0", allowed: "a finite number > 0")),
            (SamplingParameters(topP: 0), .invalidParameter(field: "top_p", value: "0.0", allowed: "in (0, 1]")),
            (SamplingParameters(topP: 1.5), .invalidParameter(field: "top_p", value: "1.5", allowed: "in (0, 1]")),
            (SamplingParameters(topP: .nan), .invalidParameter(field: "top_p", value: "nan", allowed: "in (0, 1]")),
        ]
        for (sampling, error) in cases {
            #expect(throws: error) { try Self.generate(GenerationRequest(prompt: [1], sampling: sampling, maxNewTokens: 1)) }
        }
        #expect(throws: BackboneError.invalidParameter(field: "cfg_scale", value: "nan", allowed: "a finite number")) {
            try Self.generate(GenerationRequest(prompt: [1], negativePrompt: [1], cfgScale: .nan, maxNewTokens: 1))
        }
        #expect(throws: BackboneError.invalidParameter(field: "max_new_tokens", value: "0", allowed: ">= 1")) {
            try Self.generate(GenerationRequest(prompt: [1], maxNewTokens: 0))
        }
    }

    @Test("impossible layouts")
    func layouts() {
        #expect(throws: BackboneError.invalidLayout(
            height: 2, width: 2, reason: "the prompt has no <|image token|> (id 5) to start the image")) {
            try Self.generate(GenerationRequest(prompt: [1, 9], layout: ImageLayout(height: 2, width: 2), maxNewTokens: 9))
        }
        #expect(throws: BackboneError.invalidLayout(height: 0, width: 4, reason: "height and width must be >= 1")) {
            try Self.generate(GenerationRequest(prompt: Self.image, layout: ImageLayout(height: 0, width: 4), maxNewTokens: 9))
        }
        #expect(throws: BackboneError.invalidLayout(height: 1, width: 1, reason: "the prompt already holds 6 tokens of the image")) {
            try Self.generate(GenerationRequest(prompt: Self.image + [8, 3, 4, 7, 2, 9], layout: ImageLayout(height: 1, width: 1),
                                                maxNewTokens: 9))
        }
    }

    @Test("scoring and padded-batch input")
    func scoringAndBatches() throws {
        let engine = try Self.model.engine()
        #expect(throws: BackboneError.emptyTokens(field: "items[0].context_ids")) {
            try engine.score([ScoreItem(context: [], continuation: [1])])
        }
        #expect(throws: BackboneError.tokenOutOfVocabulary(field: "items[1].continuation_ids", index: 1, id: 77, vocabularySize: 40)) {
            try engine.score([ScoreItem(context: [1], continuation: [1]), ScoreItem(context: [1], continuation: [2, 77])])
        }
        #expect(throws: BackboneError.sequenceTooLong(field: "items[0]", length: 100, maxLength: 96)) {
            try engine.score([ScoreItem(context: Array(repeating: 1, count: 50), continuation: Array(repeating: 2, count: 50))])
        }
        #expect(throws: BackboneError.invalidBatch(reason: "row 1 has 2 ids and 2 mask values, expected 3")) {
            try engine.paddedBatchLogits(rows: [[1, 2, 3], [1, 2]], attentionMask: [[1, 1, 1], [1, 1]])
        }
        #expect(throws: BackboneError.invalidBatch(reason: "row 0: mask values must be 0 or 1 with at least one 1")) {
            try engine.paddedBatchLogits(rows: [[1, 2]], attentionMask: [[0, 2]])
        }
    }
}

@Suite("Weights that cannot load are refused, naming the problem")
struct LoadErrorTests {
    @Test("missing, mis-shaped and wrongly typed tensors")
    func tensorProblems() {
        let config = TinyModel.configuration()
        let missing = TinyModel(seed: 1)
        missing.source.remove("model.layers.1.mlp.up_proj.weight")
        #expect(throws: BackboneError.missingTensor(name: "model.layers.1.mlp.up_proj.weight")) { try missing.engine() }

        let noHead = TinyModel(seed: 1)
        noHead.source.remove("lm_head.weight")
        #expect(throws: BackboneError.missingTensor(name: "lm_head.weight")) { try noHead.engine() }

        let shaped = TinyModel(seed: 1)
        shaped.source.add("model.layers.0.self_attn.k_proj.weight", shape: [16, 16], values: Array(repeating: 0, count: 256))
        #expect(throws: BackboneError.tensorShape(name: "model.layers.0.self_attn.k_proj.weight", expected: [8, 16], actual: [16, 16])) {
            try shaped.engine()
        }

        let typed = TinyModel(seed: 1)
        typed.source.remove("model.norm.weight")
        typed.source.addOpaque("model.norm.weight", info: SourceTensorInfo(dtype: "I64", shape: [16]))
        #expect(throws: BackboneError.tensorDType(name: "model.norm.weight", dtype: "I64", supported: ["F32", "BF16", "F16"])) {
            try typed.engine()
        }

        let empty = InMemoryTensorSource()
        #expect(throws: BackboneError.missingTensor(name: "model.embed_tokens.weight")) {
            try BackboneEngine(configuration: config, source: empty, threads: .single)
        }
    }

    /// A copy of a fixture checkpoint in a fresh temporary folder.
    static func copy(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emu3-backbone-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtureRoot.appendingPathComponent(name), to: dir)
        return dir
    }

    static func load(_ dir: URL) throws(BackboneError) -> BackboneEngine {
        try BackboneEngine(modelDirectory: dir, threads: .single)
    }

    static func unreadableReason(_ dir: URL) -> String? {
        do {
            _ = try load(dir)
            return nil
        } catch {
            if case .weightsUnreadable(let reason) = error { return reason }
            return "unexpected: \(error)"
        }
    }

    @Test("a truncated safetensors file")
    func truncated() throws {
        let dir = try Self.copy("gqa-f32")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 1000).write(to: file)
        let reason = Self.unreadableReason(dir)
        #expect(reason?.contains("model.safetensors") == true, "\(reason ?? "loaded")")
    }

    @Test("a corrupt header")
    func corruptHeader() throws {
        let dir = try Self.copy("gqa-f32")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("model.safetensors")
        var data = try Data(contentsOf: file)
        data.replaceSubrange(8..<20, with: Data("garbage!!!!!".utf8))
        try data.write(to: file)
        let reason = Self.unreadableReason(dir)
        #expect(reason?.contains("model.safetensors") == true && reason?.contains("header") == true, "\(reason ?? "loaded")")
    }

    @Test("a shard missing from a sharded checkpoint")
    func missingShard() throws {
        let dir = try Self.copy("mha-tied")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        let reason = Self.unreadableReason(dir)
        #expect(reason?.contains("model-00002-of-00002.safetensors") == true, "\(reason ?? "loaded")")
    }

    @Test("no weights, or no config")
    func noFiles() throws {
        let dir = try Self.copy("gqa-f32")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        #expect(Self.unreadableReason(dir)?.isEmpty == false)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        #expect {
            try Self.load(dir)
        } throws: { error in
            if case BackboneError.configUnreadable(let path, _) = error { return path.hasSuffix("config.json") }
            return false
        }
    }
}
