// smart_resize (spec §4.1 step 2), including the spec's verified examples.
import Testing
@testable import VisionTokenizerEngine

@Suite struct SmartResizeTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var height: Int, width: Int, expectedHeight: Int, expectedWidth: Int
        var testDescription: String { "\(height)×\(width) → \(expectedHeight)×\(expectedWidth)" }
    }

    /// Spec §4.1 examples (h × w) plus values printed by transformers' smart_resize.
    static let examples: [Example] = [
        .init(height: 200, width: 200, expectedHeight: 512, expectedWidth: 512),
        .init(height: 480, width: 640, expectedHeight: 480, expectedWidth: 640),
        .init(height: 1080, width: 1920, expectedHeight: 768, expectedWidth: 1360),
        .init(height: 612, width: 612, expectedHeight: 608, expectedWidth: 608),  // 76.5 rounds to 76 (half-even)
        .init(height: 2000, width: 3000, expectedHeight: 832, expectedWidth: 1248),
        .init(height: 300, width: 1400, expectedHeight: 304, expectedWidth: 1400),
        .init(height: 37, width: 45, expectedHeight: 472, expectedWidth: 568),
        .init(height: 20, width: 30, expectedHeight: 424, expectedWidth: 632),
        .init(height: 100, width: 1000, expectedHeight: 168, expectedWidth: 1624),
    ]

    @Test(arguments: examples)
    func matchesTransformers(_ e: Example) throws {
        let p = ImageProcessorConfiguration.default
        let size = try ImageProcessing.smartResize(
            height: e.height, width: e.width, factor: p.spatialFactor, minPixels: p.minPixels, maxPixels: p.maxPixels,
            maxAspectRatio: p.maxAspectRatio)
        #expect(size.height == e.expectedHeight && size.width == e.expectedWidth)
    }

    @Test func absurdAspectRatioIsRejected() {
        let p = ImageProcessorConfiguration.default
        #expect(throws: VisionTokenizerError.aspectRatioTooLarge(width: 4000, height: 16, limit: 200)) {
            try ImageProcessing.smartResize(height: 16, width: 4000, factor: 8, minPixels: p.minPixels, maxPixels: p.maxPixels, maxAspectRatio: 200)
        }
        // Exactly at the limit is allowed (transformers raises only when the ratio is > 200).
        #expect((try? ImageProcessing.smartResize(height: 16, width: 3200, factor: 8, minPixels: p.minPixels, maxPixels: p.maxPixels, maxAspectRatio: 200)) != nil)
    }
}
