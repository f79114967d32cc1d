// Writing RGB8 PNGs with text chunks.
import ImageIO
import Testing

@Suite struct PNGEncoderTests {
    static func gradient(width: Int, height: Int) throws -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x & 255), UInt8(y & 255), UInt8((x * y) & 255)] } }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// (type, data) of each chunk in order.
    static func chunks(_ png: [UInt8]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var i = 8
        while i + 12 <= png.count {
            let n = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            let type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            out.append((type, Array(png[(i + 8)..<(i + 8 + n)])))
            i += 12 + n
        }
        return out
    }

    @Test func roundTripIsLossless() throws {
        let image = try Self.gradient(width: 37, height: 23)
        let png = try PNGEncoder.encode(image)
        let back = try PNGDecoder.decode(png)
        #expect(back == image)
    }

    @Test func textChunksAreWritten() throws {
        let image = try Self.gradient(width: 16, height: 16)
        let png = try PNGEncoder.encode(
            image, text: [PNGTextEntry(key: "Software", value: "emu3-swift test"), PNGTextEntry(key: "Prompt", value: "a café")])
        let chunks = Self.chunks(png)
        #expect(chunks.first?.0 == "IHDR" && chunks.last?.0 == "IEND")
        let texts = chunks.filter { $0.0 == "tEXt" }.map { $0.1 }
        #expect(texts.contains(Array("Software".utf8) + [0] + Array("emu3-swift test".utf8)))
        // "é" is Latin-1 0xE9 in tEXt.
        #expect(texts.contains(Array("Prompt".utf8) + [0] + Array("a caf".utf8) + [0xE9]))
    }

    @Test func nonLatin1TextBecomesITXt() throws {
        let png = try PNGEncoder.encode(try Self.gradient(width: 16, height: 16), text: [PNGTextEntry(key: "Prompt", value: "猫")])
        let itxt = Self.chunks(png).filter { $0.0 == "iTXt" }
        #expect(itxt.count == 1)
        #expect(itxt.first.map { $0.1.suffix(3) == Array("猫".utf8)[...] } == true)
    }

    @Test func badKeysAreRejected() throws {
        let image = try Self.gradient(width: 16, height: 16)
        for key in ["", String(repeating: "k", count: 80), " lead", "trail ", "dou  ble", "tab\t", "猫"] {
            #expect(throws: ImageIOError.self) { try PNGEncoder.encode(image, text: [PNGTextEntry(key: key, value: "v")]) }
        }
        #expect(throws: ImageIOError.invalidText(key: "k", reason: "value must not contain NUL")) {
            try PNGEncoder.encode(image, text: [PNGTextEntry(key: "k", value: "a\0b")])
        }
    }

    @Test func rgbImageChecksItsBuffer() {
        #expect(throws: ImageIOError.bufferSizeMismatch(expected: 12, actual: 11)) {
            try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: ImageIOError.zeroSize(width: 0, height: 2)) { try RGBImage(width: 0, height: 2, pixels: []) }
    }
}
