// Parity with transformers 5.24 `Emu3VQVAE` on two random tiny checkpoints (issue 5):
// identical codes, decoded pixels within 1e-4 (F32), RGB8 within one level.
import Foundation
import ImageIO
import Testing
@testable import VisionTokenizerEngine

struct GoldenCase: Decodable, Sendable {
    var kind: String
    var name: String
    var png: String?
    var frames: [String]?
}

struct GoldenIndex: Decodable, Sendable {
    var model: String
    var naming: String
    var cases: [GoldenCase]
}

/// (model, case) pairs for parameterised tests.
struct ModelCase: Sendable, CustomTestStringConvertible {
    var model: String
    var entry: GoldenCase
    var testDescription: String { "\(model)/\(entry.name)" }

    static func all(kind: String) -> [ModelCase] {
        ["tiny-a", "tiny-b"].flatMap { model -> [ModelCase] in
            let url = Fixtures.model(model).appendingPathComponent("golden.json")
            guard let data = try? Data(contentsOf: url), let index = try? JSONDecoder().decode(GoldenIndex.self, from: data)
            else { return [] }
            return index.cases.filter { $0.kind == kind }.map { ModelCase(model: model, entry: $0) }
        }
    }
}

@Suite struct GoldenParityTests {
    @Test func fixturesArePresent() {
        #expect(ModelCase.all(kind: "image").count == 4)
        #expect(ModelCase.all(kind: "video").count == 2)
    }

    @Test func bothNamingsLoad() throws {
        #expect(try Models.named("tiny-a").naming == .transformers)
        #expect(try Models.named("tiny-b").naming == .original)
        #expect(try Models.named("tiny-b").configuration.attentionHeads == 1)
        #expect(try Models.named("tiny-a").configuration.attentionHeads == 2)
    }

    @Test(arguments: ModelCase.all(kind: "image"))
    func imagePreprocessingMatchesTheProcessor(_ c: ModelCase) throws {
        let tokenizer = try Models.named(c.model)
        let goldens = try Goldens(model: c.model)
        let png = [UInt8](try Data(contentsOf: Fixtures.model(c.model).appendingPathComponent(c.entry.png!)))
        let image = try PNGDecoder.decode(png, limits: PNGLimits(minSide: 1))
        let pixels = try tokenizer.preprocess(image)
        let shape = try goldens.shape("\(c.entry.name).pixels")
        #expect([3, pixels.height, pixels.width] == shape)
        #expect(maxAbsDifference(pixels.values, try goldens.floats("\(c.entry.name).pixels")) <= Tolerance.preprocessedPixels)
    }

    @Test(arguments: ModelCase.all(kind: "image"))
    func imageCodesAreIdentical(_ c: ModelCase) throws {
        let tokenizer = try Models.named(c.model)
        let goldens = try Goldens(model: c.model)
        let png = [UInt8](try Data(contentsOf: Fixtures.model(c.model).appendingPathComponent(c.entry.png!)))
        let result = try tokenizer.encodeImage(png: png, pngLimits: PNGLimits(minSide: 1))
        let shape = try goldens.shape("\(c.entry.name).codes")
        #expect([result.codes.height, result.codes.width] == shape)
        #expect(result.codes.frames == 1)
        let expected = try goldens.int32s("\(c.entry.name).codes")
        let differing = zip(result.codes.codes, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(expected.count) codes differ")
    }

    @Test(arguments: ModelCase.all(kind: "image") + ModelCase.all(kind: "decode"))
    func decodedPixelsMatch(_ c: ModelCase) throws {
        let tokenizer = try Models.named(c.model)
        let goldens = try Goldens(model: c.model)
        let shape = try goldens.shape("\(c.entry.name).codes")
        let grid = CodeGrid(frames: 1, height: shape[0], width: shape[1], codes: try goldens.int32s("\(c.entry.name).codes"))
        let pixels = try tokenizer.decodePixels(grid)
        let expected = try goldens.floats("\(c.entry.name).decoded")
        #expect([3, pixels.height, pixels.width] == (try goldens.shape("\(c.entry.name).decoded")))
        let diff = maxAbsDifference(pixels.values, expected)
        #expect(diff <= Tolerance.decodedPixels, "max |Δ| = \(diff)")

        let rgb = ImageProcessing.toRGB8(pixels, processor: tokenizer.processor)
        let expectedRGB = try goldens.bytes("\(c.entry.name).rgb8")
        let worst = zip(rgb.pixels, expectedRGB).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(rgb.pixels.count == expectedRGB.count)
        #expect(worst <= Tolerance.rgb8Levels)
    }

    @Test(arguments: ModelCase.all(kind: "video"))
    func videoCodesAreIdenticalAndFramesMatch(_ c: ModelCase) throws {
        let tokenizer = try Models.named(c.model)
        let goldens = try Goldens(model: c.model)
        let frames = try c.entry.frames!.map { path in
            try PNGDecoder.decode([UInt8](try Data(contentsOf: Fixtures.model(c.model).appendingPathComponent(path))),
                                  limits: PNGLimits(minSide: 1))
        }
        let codes = try tokenizer.encodeVideo(frames)
        let shape = try goldens.shape("video.codes")
        #expect([codes.frames, codes.height, codes.width] == shape)
        let expected = try goldens.int32s("video.codes")
        #expect(codes.codes == expected)

        let golden = CodeGrid(frames: shape[0], height: shape[1], width: shape[2], codes: expected)
        let decoded = try tokenizer.decodeVideoPixels(golden)
        let expectedPixels = try goldens.floats("video.decoded")
        #expect(decoded.count == shape[0] * tokenizer.configuration.temporalFactor)
        let diff = maxAbsDifference(decoded.flatMap(\.values), expectedPixels)
        #expect(diff <= Tolerance.decodedPixels, "max |Δ| = \(diff)")
    }
}
