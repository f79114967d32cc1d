// GPT-2's byte ↔ Unicode map used by byte-level BPE vocabularies (HF `ByteLevel`, spec §7.5):
// printable bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` stand for themselves; the other 68 bytes map, in
// byte order, to U+0100, U+0101, … (so space → `Ġ` U+0120, newline → `Ċ` U+010A).

enum ByteLevelAlphabet {
    /// The scalar that stands for each byte.
    static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each scalar U+0000…U+0143 stands for (-1: none).
    static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, scalar) in scalarOfByte.enumerated() { table[Int(scalar)] = Int16(b) }
        return table
    }()

    private static func isPrintable(_ b: Int) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The bytes a byte-level token string stands for, or nil when it has a scalar outside the
    /// alphabet (HF's ByteLevel decoder then falls back to the string's own UTF-8).
    static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard scalar.value < 324, case let b = byteOfScalar[Int(scalar.value)], b >= 0 else { return nil }
            out.append(UInt8(b))
        }
        return out
    }
}
