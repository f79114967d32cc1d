// Bad requests get precise typed errors (issue 5: codes outside the codebook, odd images, ...).
import Foundation
import ImageIO
import Testing
@testable import VisionTokenizerEngine

@Suite struct BadRequestTests {
    var tokenizer: VisionTokenizer { get throws { try Models.named("tiny-a") } }

    @Test func codesOutsideTheCodebook() throws {
        let t = try tokenizer
        #expect(throws: VisionTokenizerError.codeOutOfRange(index: 3, value: 64, codebookSize: 64)) {
            try t.decodePixels(CodeGrid(frames: 1, height: 2, width: 2, codes: [0, 1, 2, 64]))
        }
        #expect(throws: VisionTokenizerError.codeOutOfRange(index: 0, value: -1, codebookSize: 64)) {
            try t.decodePixels(CodeGrid(frames: 1, height: 1, width: 2, codes: [-1, 0]))
        }
    }

    @Test func malformedGrids() throws {
        let t = try tokenizer
        #expect(throws: VisionTokenizerError.invalidCodeGrid(frames: 1, height: 2, width: 2, count: 3)) {
            try t.decodePixels(CodeGrid(frames: 1, height: 2, width: 2, codes: [0, 1, 2]))
        }
        #expect(throws: VisionTokenizerError.invalidCodeGrid(frames: 1, height: 0, width: 2, count: 0)) {
            try t.decodePixels(CodeGrid(frames: 1, height: 0, width: 2, codes: []))
        }
        #expect(throws: VisionTokenizerError.notASingleFrame(frames: 2)) {
            try t.decodePixels(CodeGrid(frames: 2, height: 1, width: 1, codes: [0, 0]))
        }
        #expect(throws: VisionTokenizerError.tooLarge(what: "code grid", value: 129 * 128, limit: 128 * 128)) {
            try t.validate(CodeGrid(frames: 1, height: 129, width: 128, codes: []))
        }
        #expect(throws: VisionTokenizerError.tooLarge(what: "code grid", value: Int.max, limit: 128 * 128)) {
            try t.validate(CodeGrid(frames: 1, height: Int.max / 2, width: 3, codes: []))
        }
    }

    @Test func imagesOfTheWrongSize() throws {
        let t = try tokenizer
        let odd = try RGBImage(width: 18, height: 16, red: 1, green: 2, blue: 3)
        #expect(throws: VisionTokenizerError.imageSizeNotMultiple(width: 18, height: 16, factor: 4)) {
            try t.encodeImage(odd, smartResize: false)
        }
        let thin = PNGEncoderProbe.png(width: 16, height: 4000)
        #expect(throws: VisionTokenizerError.aspectRatioTooLarge(width: 16, height: 4000, limit: 200)) {
            try t.encodeImage(png: thin)
        }
        #expect(throws: VisionTokenizerError.image(.tooSmall(width: 1, height: 1, minimumSide: 16))) {
            try t.encodeImage(png: PNGEncoderProbe.png(width: 1, height: 1))
        }
        #expect(throws: VisionTokenizerError.image(.notPNG(detectedFormat: nil))) { try t.encodeImage(png: Array("not an image".utf8)) }
    }

    @Test func videosOfTheWrongShape() throws {
        let t = try tokenizer
        let frame = try RGBImage(width: 16, height: 16, red: 9, green: 9, blue: 9)
        #expect(throws: VisionTokenizerError.frameCountNotMultiple(count: 3, factor: 4)) {
            try t.encodeVideo([frame, frame, frame])
        }
        #expect(throws: VisionTokenizerError.frameCountNotMultiple(count: 0, factor: 4)) { try t.encodeVideo([]) }
        let other = try RGBImage(width: 20, height: 16, red: 9, green: 9, blue: 9)
        #expect(throws: VisionTokenizerError.frameSizesDiffer(first: "16×16", other: "20×16", index: 2)) {
            try t.encodeVideo([frame, frame, other, frame])
        }
    }

    @Test func stopCheckStopsBetweenLayers() throws {
        let t = try tokenizer
        let image = try RGBImage(width: 16, height: 16, red: 200, green: 10, blue: 10)
        #expect(throws: VisionTokenizerError.stopped(.deadlineExceeded)) {
            try t.encodeImage(image, smartResize: false, check: { .deadlineExceeded })
        }
        nonisolated(unsafe) var calls = 0
        #expect(throws: VisionTokenizerError.stopped(.cancelled)) {
            try t.decodePixels(CodeGrid(frames: 1, height: 2, width: 2, codes: [1, 2, 3, 4]), check: {
                calls += 1
                return calls > 3 ? .cancelled : nil
            })
        }
        #expect(calls == 4)
    }

    @Test func roundTripKeepsShapesAndFiniteValues() throws {
        let t = try tokenizer
        let image = try RGBImage(width: 32, height: 24, red: 30, green: 140, blue: 220)
        let encoded = try t.encodeImage(image, smartResize: false)
        #expect(encoded.codes.frames == 1 && encoded.codes.height == 6 && encoded.codes.width == 8)
        let decoded = try t.decodePixels(encoded.codes)
        #expect(decoded.width == 32 && decoded.height == 24)
        #expect(decoded.values.allSatisfy { $0.isFinite })
        let png = try t.decodeImagePNG(encoded.codes, text: [PNGTextEntry(key: "Software", value: "emu3-swift test")])
        let back = try PNGDecoder.decode(png)
        #expect(back.width == 32 && back.height == 24)
    }
}

enum PNGEncoderProbe {
    /// A valid solid-grey PNG (encoded with relaxed limits: the encoder has none).
    static func png(width: Int, height: Int) -> [UInt8] {
        (try? PNGEncoder.encode(try RGBImage(width: width, height: height, red: 128, green: 128, blue: 128))) ?? []
    }
}
