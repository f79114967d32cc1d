// The same weights under other prefixes, dtypes and namings load to the same model; broken
// checkpoints give precise errors.
import Foundation
import SafeTensors
import Testing
@testable import VisionTokenizerEngine

/// Rewrites a fixture checkpoint into a temporary model directory.
struct RewrittenModel {
    let directory: URL

    init(from model: String, prefix: String, dtype: SafeTensorsDType, config: String,
         edit: (inout [SafeTensorsWriter.Tensor]) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = try SafeTensorsCheckpoint(directory: Fixtures.model(model))
        var tensors: [SafeTensorsWriter.Tensor] = []
        for name in source.tensorNames {
            let info = try source.info(name)
            if [.f32, .f16, .bf16].contains(info.dtype) {
                let values = try source.floats(name)
                tensors.append(.init(name: prefix + name, dtype: dtype, shape: info.shape, bytes: Self.encode(values, as: dtype)))
            } else {
                tensors.append(.init(name: prefix + name, dtype: info.dtype, shape: info.shape,
                                     bytes: try source.withRawBytes(name) { Array($0) }))
            }
        }
        edit(&tensors)
        try SafeTensorsWriter.write(tensors, to: directory.appendingPathComponent("model.safetensors"))
        try Data(config.utf8).write(to: directory.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(
            at: Fixtures.model(model).appendingPathComponent("preprocessor_config.json"),
            to: directory.appendingPathComponent("preprocessor_config.json"))
    }

    static func encode(_ values: [Float], as dtype: SafeTensorsDType) -> [UInt8] {
        var out: [UInt8] = []
        for v in values {
            switch dtype {
            case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
            case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out += $0 }
            default: withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { out += $0 }  // BF16-exact inputs
            }
        }
        return out
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func config(_ model: String) throws -> String {
        try String(contentsOf: Fixtures.model(model).appendingPathComponent("config.json"), encoding: .utf8)
    }
}

@Suite struct CheckpointVariantTests {
    func decodeRandom(_ tokenizer: VisionTokenizer, model: String) throws -> Float {
        let goldens = try Goldens(model: model)
        let shape = try goldens.shape("random.codes")
        let grid = CodeGrid(frames: 1, height: shape[0], width: shape[1], codes: try goldens.int32s("random.codes"))
        return maxAbsDifference(try tokenizer.decodePixels(grid).values, try goldens.floats("random.decoded"))
    }

    @Test func combinedF32CheckpointUnderModelVQModelPrefix() throws {
        let combined = "{\"architectures\": [\"Emu3ForConditionalGeneration\"], \"vq_config\": \(try RewrittenModel.config("tiny-a"))}"
        let model = try RewrittenModel(from: "tiny-a", prefix: "model.vqmodel.", dtype: .f32, config: combined) { tensors in
            tensors.append(.f32("model.text_model.embed_tokens.weight", shape: [2, 2], [1, 2, 3, 4]))
            tensors.append(.f32("lm_head.weight", shape: [2, 2], [1, 2, 3, 4]))
        }
        defer { model.remove() }
        let tokenizer = try VisionTokenizer(modelDirectory: model.directory)
        #expect(try decodeRandom(tokenizer, model: "tiny-a") <= Tolerance.decodedPixels)
    }

    @Test func originalNamesAsF16UnderVQModelPrefix() throws {
        let model = try RewrittenModel(from: "tiny-b", prefix: "vqmodel.", dtype: .f16, config: try RewrittenModel.config("tiny-b"))
        defer { model.remove() }
        let tokenizer = try VisionTokenizer(modelDirectory: model.directory)
        #expect(tokenizer.naming == .original)
        #expect(try decodeRandom(tokenizer, model: "tiny-b") <= Tolerance.decodedPixels)
    }

    @Test func missingTensorIsNamed() throws {
        let model = try RewrittenModel(from: "tiny-a", prefix: "", dtype: .f32, config: try RewrittenModel.config("tiny-a")) {
            $0.removeAll { $0.name == "decoder.conv_out.bias" }
        }
        defer { model.remove() }
        #expect(throws: VisionTokenizerError.weights(.missingTensors(names: ["decoder.conv_out.bias"]))) {
            try VisionTokenizer(modelDirectory: model.directory)
        }
    }

    @Test func extraTensorIsReported() throws {
        let model = try RewrittenModel(from: "tiny-a", prefix: "", dtype: .f32, config: try RewrittenModel.config("tiny-a")) {
            $0.append(.f32("encoder.down_block.down.0.block.7.conv1.bias", shape: [1], [0]))
        }
        defer { model.remove() }
        #expect(throws: VisionTokenizerError.unexpectedTensors(names: ["encoder.down_block.down.0.block.7.conv1.bias"])) {
            try VisionTokenizer(modelDirectory: model.directory)
        }
    }

    @Test func wrongShapeIsReported() throws {
        let model = try RewrittenModel(from: "tiny-a", prefix: "", dtype: .f32, config: try RewrittenModel.config("tiny-a")) {
            guard let i = $0.firstIndex(where: { $0.name == "quantize.embedding.weight" }) else { return }
            $0[i] = .f32("quantize.embedding.weight", shape: [32, 8], [Float](repeating: 0, count: 256))
        }
        defer { model.remove() }
        #expect(throws: VisionTokenizerError.weights(.shapeMismatch(name: "quantize.embedding.weight", expected: [64, 4], actual: [32, 8]))) {
            try VisionTokenizer(modelDirectory: model.directory)
        }
    }

    @Test func missingWeightsFileIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(try RewrittenModel.config("tiny-a").utf8).write(to: dir.appendingPathComponent("config.json"))
        #expect(throws: VisionTokenizerError.weights(.noCheckpoint(directory: dir.path))) { try VisionTokenizer(modelDirectory: dir) }
    }
}
