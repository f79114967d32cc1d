// Pillow BICUBIC, bit for bit (spec §4.1 step 3, pitfall §9.15).
import Foundation
import ImageIO
import Testing

@Suite struct BicubicResizeTests {
    static let cases = Fixtures.cases("resize/cases.json", as: ResizeCase.self)

    @Test func fixtureListIsPresent() {
        #expect(Self.cases.count >= 8)
    }

    @Test(arguments: cases)
    func matchesPillowExactly(entry: ResizeCase) throws {
        let name = entry.golden
        let source = try PNGDecoder.decode(try Fixtures.bytes("resize/" + entry.source))
        let width = entry.width, height = entry.height
        let resized = try BicubicResize.resize(source, width: width, height: height)
        let golden = try Fixtures.bytes("resize/" + name)
        #expect(resized.width == width && resized.height == height)
        let mismatches = zip(resized.pixels, golden).filter { $0 != $1 }.count
        #expect(resized.pixels.count == golden.count)
        #expect(mismatches == 0, "\(name): \(mismatches) bytes differ")
    }

    @Test func zeroTargetIsAnError() throws {
        let image = try RGBImage(width: 4, height: 4, red: 1, green: 2, blue: 3)
        #expect(throws: ImageIOError.zeroSize(width: 0, height: 4)) { try BicubicResize.resize(image, width: 0, height: 4) }
    }

    @Test func solidColourStaysSolid() throws {
        let image = try RGBImage(width: 9, height: 7, red: 200, green: 100, blue: 0)
        let resized = try BicubicResize.resize(image, width: 31, height: 3)
        #expect(resized.pixels == (try RGBImage(width: 31, height: 3, red: 200, green: 100, blue: 0)).pixels)
    }
}
