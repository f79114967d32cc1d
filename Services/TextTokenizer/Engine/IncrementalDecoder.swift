// Streaming detokenisation (spec §7.4): one token can end in the middle of a multi-byte
// character, so the decoder holds back a valid-but-incomplete trailing UTF-8 sequence until
// the next ids complete it. Invalid bytes are replaced at once. The concatenation of all
// outputs (including `finish()`) equals `decode` of all ids: a held-back sequence starts at a
// lead byte, where the one-shot decoder also starts a new sequence.

/// Decodes ids as they arrive (e.g. one generated token at a time).
public struct IncrementalDecoder: Sendable {
    private let tokenizer: TextTokenizer
    private let skipSpecial: Bool
    private var pending: [UInt8] = []

    init(tokenizer: TextTokenizer, skipSpecial: Bool) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Number of bytes held back (0…3).
    public var pendingByteCount: Int { pending.count }

    /// Adds ids and returns the text that is now complete.
    /// - Throws: ``TextTokenizerError/idOutOfVocabulary(id:vocabularySize:)``; nothing is consumed then.
    public mutating func append(_ ids: some Sequence<Int32>) throws -> String {
        var bytes = pending
        try tokenizer.appendBytes(ids, skipSpecial: skipSpecial, to: &bytes)
        let hold = incompleteSuffixLength(bytes)
        pending = Array(bytes[(bytes.count - hold)...])
        return String(decoding: bytes[..<(bytes.count - hold)], as: UTF8.self)
    }

    /// Returns what is held back (as U+FFFD: the sequence never completed) and resets.
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }
}
