// Emu3's structural token ids (spec §5.1), resolved by NAME from the loaded vocabulary: the
// released model has BOS 151849, but a small checkpoint with the same layout may use other
// ids (spec §9 pitfall 28), so no id is hard-coded here.

/// The ids of Emu3's special and visual tokens in one vocabulary.
public struct Emu3SpecialTokens: Sendable, Equatable {
    /// `<|endoftext|>` (PAD).
    public let pad: Int32
    /// `<|extra_203|>` (BOS).
    public let bos: Int32
    /// `<|extra_204|>` (EOS).
    public let eos: Int32
    /// `<|extra_200|>` (EOL: ends every row of visual tokens).
    public let eol: Int32
    /// `<|extra_201|>` (EOF: ends a frame).
    public let eof: Int32
    /// `<|image token|>` (SOT: the rows start after it).
    public let imageToken: Int32
    /// `<|image start|>` (SOV/BOI).
    public let imageStart: Int32
    /// `<|image end|>` (EOV/EOI).
    public let imageEnd: Int32
    /// Id of `<|visual token 000000|>`; code k has id `visualOffset + k`.
    public let visualOffset: Int32
    /// Number of visual tokens (32,768 in the released model).
    public let visualCount: Int
    /// Vocabulary size (largest id + 1).
    public let vocabularySize: Int

    /// Names of the structural tokens, as in the vocabulary files.
    public enum Name {
        public static let pad = "<|endoftext|>"
        public static let bos = "<|extra_203|>"
        public static let eos = "<|extra_204|>"
        public static let eol = "<|extra_200|>"
        public static let eof = "<|extra_201|>"
        public static let imageToken = "<|image token|>"
        public static let imageStart = "<|image start|>"
        public static let imageEnd = "<|image end|>"
    }

    /// The ids of visual tokens, `visualOffset ..< visualOffset + visualCount`.
    public var visualRange: Range<Int32> { visualOffset..<(visualOffset + Int32(visualCount)) }

    /// Whether `id` is a visual token.
    public func isVisual(_ id: Int32) -> Bool { visualRange.contains(id) }

    /// The id of visual code `code`.
    /// - Throws: ``TextTokenizerError/visualCodeOutOfRange(code:count:)``.
    public func visualTokenID(code: Int) throws -> Int32 {
        guard code >= 0 && code < visualCount else {
            throw TextTokenizerError.visualCodeOutOfRange(code: code, count: visualCount)
        }
        return visualOffset + Int32(code)
    }

    /// The visual code of `id`, or nil when `id` is not a visual token.
    public func visualCode(id: Int32) -> Int? { isVisual(id) ? Int(id - visualOffset) : nil }

    /// A table of ids given directly (for tests and callers that read ids from a config).
    public init(
        pad: Int32, bos: Int32, eos: Int32, eol: Int32, eof: Int32, imageToken: Int32, imageStart: Int32,
        imageEnd: Int32, visualOffset: Int32, visualCount: Int, vocabularySize: Int
    ) {
        self.pad = pad
        self.bos = bos
        self.eos = eos
        self.eol = eol
        self.eof = eof
        self.imageToken = imageToken
        self.imageStart = imageStart
        self.imageEnd = imageEnd
        self.visualOffset = visualOffset
        self.visualCount = visualCount
        self.vocabularySize = vocabularySize
    }

    init(resolving vocabulary: Vocabulary) throws {
        func id(_ name: String) throws -> Int32 {
            guard let id = vocabulary.addedTokenID(name) else { throw TextTokenizerError.missingSpecialToken(name: name) }
            return id
        }
        let first = Emu3Layout.visualTokenName(0)
        let offset = try id(first)
        // Count consecutive ids whose token is `<|visual token k|>`, comparing bytes in place.
        var count = 0
        var name = Array(first.utf8)  // "<|visual token 000000|>": digits at 15..<21
        let tokens = vocabulary.tokenBytes
        while Int(offset) + count < vocabulary.size {
            var k = count
            for position in stride(from: 20, through: 15, by: -1) {
                name[position] = UInt8(ascii: "0") + UInt8(k % 10)
                k /= 10
            }
            guard k == 0, vocabulary.special[Int(offset) + count], tokens.equals(Int(offset) + count, name, name.count)
            else { break }
            count += 1
        }
        self.init(
            pad: try id(Name.pad), bos: try id(Name.bos), eos: try id(Name.eos), eol: try id(Name.eol),
            eof: try id(Name.eof), imageToken: try id(Name.imageToken), imageStart: try id(Name.imageStart),
            imageEnd: try id(Name.imageEnd), visualOffset: offset, visualCount: count,
            vocabularySize: vocabulary.size)
    }
}
