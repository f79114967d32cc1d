// Locating the committed fixtures (Tests/Fixtures/vision, made by tools/make_vision_fixtures.py).
import Foundation
import Testing

enum Fixtures {
    /// Tests/Fixtures/vision, found relative to this source file.
    static let vision: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vision")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: vision.appendingPathComponent(relative)))
    }

    static func cases<Case: Decodable>(_ relative: String, as: Case.Type) -> [Case] {
        guard let data = try? Data(contentsOf: vision.appendingPathComponent(relative)) else { return [] }
        return (try? JSONDecoder().decode(CaseList<Case>.self, from: data).cases) ?? []
    }
}

struct CaseList<Case: Decodable>: Decodable { var cases: [Case] }

/// One entry of png/cases.json.
struct PNGCase: Decodable, Sendable, CustomTestStringConvertible {
    var file: String
    var golden: String
    var width: Int
    var height: Int
    var note: String
    var testDescription: String { file }
}

/// One entry of resize/cases.json.
struct ResizeCase: Decodable, Sendable, CustomTestStringConvertible {
    var source: String
    var width: Int
    var height: Int
    var golden: String
    var note: String
    var testDescription: String { "\(source) → \(width)×\(height) (\(note))" }
}

/// Builds PNG byte streams by hand, for malformed-input tests.
enum PNGBytes {
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8], length: UInt32? = nil) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(length ?? UInt32(data.count)) + typeBytes + data + be32(crc32(typeBytes + data))
    }

    static func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 2) -> [UInt8] {
        chunk("IHDR", be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0])
    }

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for x in data {
            a = (a + UInt32(x)) % 65521
            b = (b + a) % 65521
        }
        return out + be32((b << 16) | a)
    }

    /// A valid 8-bit RGB PNG (filter 0 rows) of the given size filled with one colour.
    static func solidRGB(width: Int, height: Int, rgb: (UInt8, UInt8, UInt8) = (10, 20, 30)) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width * 3 + 1) * height)
        for _ in 0..<height {
            raw.append(0)
            for _ in 0..<width { raw += [rgb.0, rgb.1, rgb.2] }
        }
        return signature + ihdr(width: UInt32(width), height: UInt32(height)) + chunk("IDAT", zlibStored(raw))
            + chunk("IEND", [])
    }
}
