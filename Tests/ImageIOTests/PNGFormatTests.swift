// Every PNG colour type, depth, tRNS and Adam7 decodes to the reference processor's RGB
// (transformers convert_to_rgb on Pillow; 16-bit grey keeps the high byte, see PNGDecoder).
import Foundation
import ImageIO
import Testing

@Suite struct PNGFormatTests {
    static let cases = Fixtures.cases("png/cases.json", as: PNGCase.self)

    @Test func fixtureListIsPresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func decodesToGolden(entry: PNGCase) throws {
        let file = entry.file
        let golden = try Fixtures.bytes("png/" + entry.golden)
        let image = try PNGDecoder.decode(try Fixtures.bytes("png/" + file))
        #expect(image.width == entry.width)
        #expect(image.height == entry.height)
        let mismatches = zip(image.pixels, golden).filter { $0 != $1 }.count
        #expect(image.pixels.count == golden.count)
        #expect(mismatches == 0, "\(file): \(mismatches) bytes differ")
    }

    @Test func alphaCompositeMatchesPillowForEveryValueAndAlpha() {
        // Spot values checked against Pillow's alpha_composite over white.
        #expect(AlphaCompositeProbe.over(10, alpha: 128) == 132)
        #expect(AlphaCompositeProbe.over(0, alpha: 128) == 127)
        #expect(AlphaCompositeProbe.over(200, alpha: 0) == 255)
        for value in 0...255 { #expect(AlphaCompositeProbe.over(UInt8(value), alpha: 255) == UInt8(value)) }
    }
}

/// Decodes a one-pixel-wide grey+alpha PNG to reach the compositing code through the public API.
enum AlphaCompositeProbe {
    static func over(_ value: UInt8, alpha: UInt8) -> UInt8 {
        let w = 16, h = 16
        var raw: [UInt8] = []
        for _ in 0..<h {
            raw.append(0)
            for _ in 0..<w { raw += [value, alpha] }
        }
        let png = PNGBytes.signature + PNGBytes.ihdr(width: UInt32(w), height: UInt32(h), colorType: 4)
            + PNGBytes.chunk("IDAT", PNGBytes.zlibStored(raw)) + PNGBytes.chunk("IEND", [])
        return (try? PNGDecoder.decode(png).pixels[0]) ?? 0
    }
}
