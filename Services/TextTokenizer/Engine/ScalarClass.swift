// Unicode classes used by the pre-tokenizer regexes (Emu3 spec §7.2 step 3), with the
// semantics of the Rust `regex`/`fancy-regex` crates that tiktoken uses:
//   \p{L} = general category L (Lu, Ll, Lt, Lm, Lo)
//   \p{N} = general category N (Nd, Nl, No)
//   \s    = the Unicode White_Space property (25 scalars)
// Oniguruma (HF `tokenizers`) defines \s as 0009-000D, 0085, Zl, Zp, Zs: the same set.
// Both come from Swift's `Unicode.Scalar.Properties`, so the Unicode version is the Swift
// runtime's; scalars assigned after the reference's version may classify differently.

/// Class bits of one scalar.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = ScalarClass(rawValue: 1)
    static let number = ScalarClass(rawValue: 2)
    static let whitespace = ScalarClass(rawValue: 4)
    /// Neither letter, number nor whitespace: `[^\s\p{L}\p{N}]`.
    static let none: ScalarClass = []

    /// Classifies a scalar from the Unicode properties (slow: ~100 ns; callers use the tables).
    static func compute(_ value: UInt32) -> ScalarClass {
        guard let scalar = Unicode.Scalar(value) else { return .none }
        let properties = scalar.properties
        var result: ScalarClass = properties.isWhitespace ? .whitespace : .none
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        default:
            break
        }
        return result
    }
}

/// A table of ``ScalarClass`` for every scalar of the Basic Multilingual Plane, built once per
/// process (~65 k property look-ups); scalars above U+FFFF (emoji, CJK extension B, math
/// letters) are rare in text and are classified on the fly.
/// Why not the whole code space: building 1.1 M entries costs ~170 ms, over the load budget.
final class ScalarClassTable: @unchecked Sendable {
    static let shared = ScalarClassTable()

    /// Class bits of each BMP scalar (surrogates classify as none; they never occur in UTF-8).
    /// Immutable after init; never freed (one per process).
    let bmp: UnsafePointer<UInt8>

    private init() {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x1_0000)
        for value in 0..<UInt32(0x1_0000) {
            table[Int(value)] = ScalarClass.compute(value).rawValue
        }
        bmp = UnsafePointer(table)
    }

    /// Class bits of scalar `value` (raw ``ScalarClass`` bits).
    @inline(__always)
    func classBits(_ value: UInt32) -> UInt8 {
        value < 0x1_0000 ? bmp[Int(value)] : ScalarClass.compute(value).rawValue
    }
}
