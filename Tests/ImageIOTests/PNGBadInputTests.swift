// Hostile and odd PNGs (RELIABILITY.md test plan D): precise typed errors, never a crash, and the
// size checks fire from IHDR before any pixel data is inflated.
import ImageIO
import Testing

@Suite struct PNGBadInputTests {
    @Test func jpegBytesAreNotAPNG() {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [UInt8](repeating: 0, count: 40)
        #expect(throws: ImageIOError.notPNG(detectedFormat: "JPEG")) { try PNGDecoder.decode(jpeg) }
    }

    @Test func gifAndJunkAndEmptyAreNotAPNG() {
        #expect(throws: ImageIOError.notPNG(detectedFormat: "GIF")) { try PNGDecoder.decode(Array("GIF89a......".utf8)) }
        #expect(throws: ImageIOError.notPNG(detectedFormat: nil)) { try PNGDecoder.decode(Array("hello world".utf8)) }
        #expect(throws: ImageIOError.notPNG(detectedFormat: "empty file")) { try PNGDecoder.decode([]) }
    }

    @Test func signatureFollowedByJunkIsCorrupt() {
        let bytes = PNGBytes.signature + Array("this is not a chunk stream at all".utf8)
        #expect(throws: ImageIOError.corrupt(detail: "first chunk is not a 13-byte IHDR")) { try PNGDecoder.decode(bytes) }
    }

    @Test func decompressionBombIsRejectedFromIHDR() {
        // A tiny file declaring 16384×16384 (the D1 bomb needs 0.78 MB; the header alone decides).
        let bomb = PNGBytes.signature + PNGBytes.ihdr(width: 16384, height: 16384)
            + PNGBytes.chunk("IDAT", PNGBytes.zlibStored([UInt8](repeating: 0, count: 1000))) + PNGBytes.chunk("IEND", [])
        #expect(bomb.count < 2000)
        #expect(throws: ImageIOError.tooLarge(width: 16384, height: 16384, limit: 4096)) { try PNGDecoder.decode(bomb) }
        #expect("\(ImageIOError.tooLarge(width: 16384, height: 16384, limit: 4096))".contains("image too large"))
    }

    @Test func longThinHeadersAreRejected() {
        for (w, h) in [(1_000_000, 1), (1, 1_000_000)] {
            let bytes = PNGBytes.signature + PNGBytes.ihdr(width: UInt32(w), height: UInt32(h)) + PNGBytes.chunk("IEND", [])
            #expect(throws: ImageIOError.tooLarge(width: w, height: h, limit: 4096)) { try PNGDecoder.decode(bytes) }
        }
    }

    @Test func sideLimitIsInclusive() throws {
        let atLimit = PNGBytes.signature + PNGBytes.ihdr(width: 4096, height: 16)
        let header = try PNGDecoder.validateHeader(atLimit)
        #expect(header.width == 4096)
        let past = PNGBytes.signature + PNGBytes.ihdr(width: 4097, height: 16)
        #expect(throws: ImageIOError.tooLarge(width: 4097, height: 16, limit: 4096)) { try PNGDecoder.validateHeader(past) }
    }

    @Test func pixelAndByteBudgetsAreChecked() {
        let header = PNGBytes.signature + PNGBytes.ihdr(width: 100, height: 100)
        let fewPixels = PNGLimits(maxPixels: 9999)
        #expect(throws: ImageIOError.tooManyPixels(width: 100, height: 100, limit: 9999)) {
            try PNGDecoder.validateHeader(header, limits: fewPixels)
        }
        let fewBytes = PNGLimits(maxDecodedBytes: 39_999)
        #expect(throws: ImageIOError.decodedBytesTooLarge(bytes: 40_000, limit: 39_999)) {
            try PNGDecoder.validateHeader(header, limits: fewBytes)
        }
    }

    @Test func zeroSizeIsRejected() {
        for (w, h) in [(0, 20), (20, 0), (0, 0)] {
            let bytes = PNGBytes.signature + PNGBytes.ihdr(width: UInt32(w), height: UInt32(h)) + PNGBytes.chunk("IEND", [])
            #expect(throws: ImageIOError.zeroSize(width: w, height: h)) { try PNGDecoder.decode(bytes) }
        }
    }

    @Test func tinyImagesAreRejected() {
        for (w, h) in [(1, 1), (1, 64), (64, 1), (15, 16)] {
            #expect(throws: ImageIOError.tooSmall(width: w, height: h, minimumSide: 16)) {
                try PNGDecoder.decode(PNGBytes.solidRGB(width: w, height: h))
            }
        }
    }

    @Test func oneByOneDecodesWhenTheLimitAllowsIt() throws {
        let image = try PNGDecoder.decode(PNGBytes.solidRGB(width: 1, height: 1), limits: PNGLimits(minSide: 1))
        #expect(image.width == 1 && image.pixels == [10, 20, 30])
    }

    @Test func fileSizeLimitIsChecked() {
        let png = PNGBytes.solidRGB(width: 16, height: 16)
        let limits = PNGLimits(maxFileBytes: png.count - 1)
        #expect(throws: ImageIOError.fileTooLarge(bytes: png.count, limit: png.count - 1)) {
            try PNGDecoder.decode(png, limits: limits)
        }
        #expect((try? PNGDecoder.decode(png, limits: PNGLimits(maxFileBytes: png.count))) != nil)
    }

    @Test func everyTruncationIsATypedError() {
        let png = PNGBytes.solidRGB(width: 40, height: 30)
        for cut in stride(from: 0, to: png.count, by: 7) {
            do {
                _ = try PNGDecoder.decode(Array(png[0..<cut]))
                Issue.record("truncated at \(cut) of \(png.count) decoded")
            } catch {
                switch error {
                case .truncated, .notPNG, .corrupt: break
                default: Issue.record("truncated at \(cut): unexpected \(error)")
                }
            }
        }
    }

    @Test func truncationInsideImageDataSaysTruncated() {
        let png = PNGBytes.solidRGB(width: 40, height: 30)
        #expect(throws: ImageIOError.truncated(detail: "unexpected end of data")) {
            try PNGDecoder.decode(Array(png[0..<(png.count / 2)]))
        }
    }

    @Test func badIDATCRCIsCorrupt() {
        var png = PNGBytes.solidRGB(width: 20, height: 20)
        png[png.count - 12 - 1] ^= 0xFF  // last byte of the IDAT CRC (IEND is the final 12 bytes)
        #expect(throws: ImageIOError.self) { try PNGDecoder.decode(png) }
        do { _ = try PNGDecoder.decode(png) } catch {
            guard case .corrupt = error else { Issue.record("expected corrupt, got \(error)"); return }
        }
    }

    @Test func badIHDRCRCIsCorrupt() {
        var png = PNGBytes.solidRGB(width: 20, height: 20)
        png[32] ^= 0x01
        #expect(throws: ImageIOError.corrupt(detail: "IHDR CRC mismatch")) { try PNGDecoder.decode(png) }
    }

    @Test func missingIENDIsAnError() {
        let png = PNGBytes.solidRGB(width: 20, height: 20)
        #expect(throws: ImageIOError.self) { try PNGDecoder.decode(Array(png.dropLast(12))) }
    }

    @Test func hugeChunkLengthIsAnError() {
        let png = PNGBytes.solidRGB(width: 20, height: 20)
        let bogus = Array(png[0..<33]) + PNGBytes.chunk("tEXt", Array("a\0b".utf8), length: 0x7FFF_FFFF) + Array(png[33...])
        #expect(throws: ImageIOError.self) { try PNGDecoder.decode(bogus) }
    }

    @Test func invalidDepthForColourTypeIsCorrupt() {
        let bytes = PNGBytes.signature + PNGBytes.ihdr(width: 20, height: 20, bitDepth: 4, colorType: 2)
        #expect(throws: ImageIOError.corrupt(detail: "bit depth 4 is not allowed for colour type 2")) {
            try PNGDecoder.decode(bytes)
        }
    }

    @Test func paletteIndexOutOfRangeDoesNotCrash() {
        // Two-entry palette, indices up to 255 (the CVE-2025-64505 class): error or defined pixels.
        let w = 16, h = 16
        var raw: [UInt8] = []
        for y in 0..<h {
            raw.append(0)
            for x in 0..<w { raw.append(UInt8((x * 16 + y) & 0xFF)) }
        }
        let png = PNGBytes.signature + PNGBytes.ihdr(width: UInt32(w), height: UInt32(h), colorType: 3)
            + PNGBytes.chunk("PLTE", [255, 0, 0, 0, 255, 0]) + PNGBytes.chunk("IDAT", PNGBytes.zlibStored(raw))
            + PNGBytes.chunk("IEND", [])
        if let image = try? PNGDecoder.decode(png) { #expect(image.pixels.count == w * h * 3) }
    }

    @Test func manyAncillaryChunksAreSkipped() throws {
        let png = PNGBytes.solidRGB(width: 16, height: 16)
        var chunks: [UInt8] = []
        for i in 0..<10_000 { chunks += PNGBytes.chunk("tEXt", Array("k\0v\(i)".utf8)) }
        let noisy = Array(png[0..<33]) + chunks + Array(png[33...])
        let image = try PNGDecoder.decode(noisy)
        #expect(image.pixels[0...2] == [10, 20, 30])
    }

    @Test func libpngVersionIsReported() {
        #expect(LibPNGVersion.runtime.hasPrefix("1.6."))
        #expect(LibPNGVersion.headers.hasPrefix("1.6."))
    }
}
