// Hand-written scanners for the two pre-tokenizer regexes (Emu3 spec §7.2 step 3 and §7.5),
// over valid UTF-8 bytes. They reproduce leftmost-first (backtracking) alternation exactly;
// NSRegularExpression was rejected: it is an order of magnitude slower than the encoder.
//
// Qwen:  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// How the whitespace alternatives resolve, with W = the maximal whitespace run at i:
//   \s*[\r\n]+  backtracks to end just after the last CR/LF in W (fails if W has none);
//   \s+(?!\S)   is W when W reaches the end of the text, else W minus its last scalar (needs
//               two scalars: the last one is left to prefix the next word);
//   \s+         is W.
// `(?i)` in the Rust regex crate uses simple case folding, so 's also matches 'ſ (U+017F);
// tiktoken confirms this (tools/make_text_goldens.py has the "'ſa" case).

/// A pre-tokenizer regex this engine implements.
public enum PreTokenizerPattern: String, Sendable, CaseIterable {
    /// Qwen/Emu3 (tiktoken `qwen.tiktoken`, spec §7.2): single digits, case-insensitive contractions.
    case qwen
    /// GPT-2 (HF `ByteLevel` with `use_regex: true`): digit runs, lower-case contractions.
    case gpt2

    /// The regex source as tokenizer files spell it.
    public var regex: String {
        switch self {
        case .qwen:
            #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .gpt2:
            #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        }
    }
}

/// Splits `p[start..<end]` (valid UTF-8) into pieces; `nextEnd()` returns where each ends.
struct PieceScanner {
    private let p: UnsafePointer<UInt8>
    private let end: Int
    private let bmp: UnsafePointer<UInt8>
    private let pattern: PreTokenizerPattern
    /// Start of the next piece.
    private(set) var position: Int

    private static let letter = ScalarClass.letter.rawValue
    private static let number = ScalarClass.number.rawValue
    private static let space = ScalarClass.whitespace.rawValue
    private static let any = letter | number | space

    init(_ p: UnsafePointer<UInt8>, start: Int, end: Int, pattern: PreTokenizerPattern) {
        self.p = p
        self.end = end
        self.position = start
        self.pattern = pattern
        self.bmp = ScalarClassTable.shared.bmp
    }

    /// The end of the next piece (it starts at `position`), or nil at the end of the text.
    @inline(__always)
    mutating func nextEnd() -> Int? {
        guard position < end else { return nil }
        let e = pattern == .qwen ? qwenEnd(position) : gpt2End(position)
        position = e
        return e
    }

    // MARK: - Scalars

    /// Class bits and UTF-8 length of the scalar at `i` (< end).
    @inline(__always)
    private func classAt(_ i: Int) -> (UInt8, Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (bmp[Int(b0)], 1) }
        if b0 < 0xE0 {
            return (bmp[Int(b0 & 0x1F) << 6 | Int(p[i + 1] & 0x3F)], 2)
        }
        if b0 < 0xF0 {
            return (bmp[Int(b0 & 0x0F) << 12 | Int(p[i + 1] & 0x3F) << 6 | Int(p[i + 2] & 0x3F)], 3)
        }
        let value = UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12
            | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F)
        return (ScalarClassTable.shared.classBits(value), 4)
    }

    /// End of the run of scalars, from `i`, whose class has any bit of `want`.
    @inline(__always)
    private func run(_ i: Int, _ want: UInt8) -> Int {
        var j = i
        while j < end {
            let (c, n) = classAt(j)
            if c & want == 0 { break }
            j += n
        }
        return j
    }

    /// End of the run, from `i`, of scalars that are neither letter, number nor whitespace.
    @inline(__always)
    private func otherRun(_ i: Int) -> Int {
        var j = i
        while j < end {
            let (c, n) = classAt(j)
            if c & Self.any != 0 { break }
            j += n
        }
        return j
    }

    @inline(__always)
    private func newlineRun(_ i: Int) -> Int {
        var j = i
        while j < end && (p[j] == 0x0A || p[j] == 0x0D) { j += 1 }
        return j
    }

    /// The three whitespace alternatives (see the header); the scalar at `i` is whitespace.
    @inline(__always)
    private func whitespaceEnd(_ i: Int, newlines: Bool) -> Int {
        var j = i
        var lastNewline = -1
        var lastStart = i
        var count = 0
        while j < end {
            let (c, n) = classAt(j)
            if c & Self.space == 0 { break }
            if p[j] == 0x0A || p[j] == 0x0D { lastNewline = j }
            lastStart = j
            count += 1
            j += n
        }
        if newlines && lastNewline >= 0 { return lastNewline + 1 }
        if j == end || count == 1 { return j }
        return lastStart
    }

    // MARK: - Contractions

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i` (p[i] is the apostrophe).
    @inline(__always)
    private func contractionEnd(_ i: Int, caseInsensitive: Bool) -> Int? {
        guard i + 1 < end else { return nil }
        let b1 = caseInsensitive && p[i + 1] < 0x80 ? p[i + 1] | 0x20 : p[i + 1]
        switch b1 {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return i + 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"), UInt8(ascii: "l"):
            guard i + 2 < end else { return nil }
            let b2 = caseInsensitive ? p[i + 2] | 0x20 : p[i + 2]
            let want = b1 == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
            return b2 == want ? i + 3 : nil
        case 0xC5 where caseInsensitive:
            // U+017F LATIN SMALL LETTER LONG S folds to "s".
            return i + 2 < end && p[i + 2] == 0xBF ? i + 3 : nil
        default:
            return nil
        }
    }

    // MARK: - Qwen

    private func qwenEnd(_ i: Int) -> Int {
        let b0 = p[i]
        if b0 == UInt8(ascii: "'"), let e = contractionEnd(i, caseInsensitive: true) { return e }
        let (c0, n0) = classAt(i)
        // [^\r\n\p{L}\p{N}]?\p{L}+ without the optional char
        if c0 & Self.letter != 0 { return run(i + n0, Self.letter) }
        // \p{N}
        if c0 & Self.number != 0 { return i + n0 }
        let i1 = i + n0
        if b0 != 0x0A && b0 != 0x0D && i1 < end {
            let (c1, n1) = classAt(i1)
            // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional char
            if c1 & Self.letter != 0 { return run(i1 + n1, Self.letter) }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*' with the space
            if b0 == 0x20 && c1 & Self.any == 0 { return newlineRun(otherRun(i1 + n1)) }
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*' without the space
        if c0 & Self.space == 0 { return newlineRun(otherRun(i1)) }
        return whitespaceEnd(i, newlines: true)
    }

    // MARK: - GPT-2

    private func gpt2End(_ i: Int) -> Int {
        let b0 = p[i]
        if b0 == UInt8(ascii: "'"), let e = contractionEnd(i, caseInsensitive: false) { return e }
        if b0 == 0x20 && i + 1 < end {
            let (c1, n1) = classAt(i + 1)
            if c1 & Self.letter != 0 { return run(i + 1 + n1, Self.letter) }
            if c1 & Self.number != 0 { return run(i + 1 + n1, Self.number) }
            if c1 & Self.any == 0 { return otherRun(i + 1 + n1) }
        }
        let (c0, n0) = classAt(i)
        if c0 & Self.letter != 0 { return run(i + n0, Self.letter) }
        if c0 & Self.number != 0 { return run(i + n0, Self.number) }
        if c0 & Self.space == 0 { return otherRun(i + n0) }
        return whitespaceEnd(i, newlines: false)
    }
}
