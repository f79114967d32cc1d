// The loaded vocabulary, whichever file it came from: every id's bytes, the merge rules, the
// added (special) tokens, the pre-tokenizer and the normalisation. Built by the loaders
// (TiktokenLoader.swift, TokenizerJSONLoader.swift); read-only afterwards.

/// Text normalisation applied before encoding.
public enum TextNormalization: String, Sendable {
    /// Unicode NFC, as the Emu3 reference tokenizer does before calling tiktoken (spec §7.2 step 1).
    case nfc
    /// None (tiktoken's own `encode`).
    case none
}

/// One added token: matched in text before pre-tokenisation (spec §7.2 step 2).
struct AddedToken: Sendable {
    let content: String
    let id: Int32
    /// Special tokens are recognised in text only when the caller allows it; non-special added
    /// tokens (HF `special: false`) always are, as in HF `tokenizers`.
    let special: Bool
}

/// Where a tokenizer came from (for messages).
public enum VocabularySource: Sendable, Equatable {
    case tiktoken(path: String)
    case tokenizerJSON(path: String)
}

final class Vocabulary: @unchecked Sendable {
    // Immutable after init; the raw buffer `byteIDs` is freed in deinit.
    let source: VocabularySource
    /// Decoded bytes of every id in 0..<size (empty for an id that has no token).
    let tokenBytes: TokenBytes
    /// Whether id k exists (a tokenizer.json may leave holes).
    let present: [Bool]
    /// Whether id k is an added token marked special (dropped by `skipSpecial` decoding).
    let special: [Bool]
    /// The id of each single byte.
    let byteIDs: UnsafeMutablePointer<UInt32>
    let rules: MergeRules
    /// Whole-piece shortcut: a piece that is itself a token encodes to that token without
    /// merging. tiktoken always does this; HF only with `ignore_merges`.
    let wholePiece: ByteStringTable?
    let added: [AddedToken]
    let addedMatcher: AddedTokenMatcher
    let pattern: PreTokenizerPattern
    /// HF ByteLevel `add_prefix_space`: prepend " " to a segment that does not start with one.
    let addPrefixSpace: Bool
    let normalization: TextNormalization

    var size: Int { present.count }

    init(
        source: VocabularySource, tokenBytes: TokenBytes, present: [Bool], special: [Bool], byteIDs: [UInt32],
        rules: MergeRules, wholePiece: ByteStringTable?, added: [AddedToken], pattern: PreTokenizerPattern,
        addPrefixSpace: Bool, normalization: TextNormalization
    ) {
        precondition(byteIDs.count == 256 && present.count == tokenBytes.count && special.count == present.count)
        self.source = source
        self.tokenBytes = tokenBytes
        self.present = present
        self.special = special
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        byteIDs.withUnsafeBufferPointer { table.initialize(from: $0.baseAddress!, count: 256) }
        self.byteIDs = table
        self.rules = rules
        self.wholePiece = wholePiece
        self.added = added
        self.addedMatcher = AddedTokenMatcher(added)
        self.pattern = pattern
        self.addPrefixSpace = addPrefixSpace
        self.normalization = normalization
    }

    deinit { byteIDs.deallocate() }

    /// The id of an added token by its content, or nil.
    func addedTokenID(_ content: String) -> Int32? {
        var bytes = Array(content.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return addedMatcher.table.lookup(base, buffer.count).map { added[Int($0)].id }
        }
    }
}

/// Finds added tokens in text: leftmost match, longest first at a position (HF's
/// leftmost-longest; tiktoken's alternation gives the same when no special is a prefix of
/// another, as for all Emu3 specials).
struct AddedTokenMatcher: Sendable {
    /// content bytes → index into `added`
    let table: ByteStringTable
    /// Distinct content lengths, longest first.
    let lengths: [Int]
    /// Whether some added token starts with this byte.
    let firstByte: [Bool]
    let anySpecial: Bool
    let anyNonSpecial: Bool

    init(_ added: [AddedToken]) {
        var storage: [UInt8] = []
        var offsets = [0]
        var first = [Bool](repeating: false, count: 256)
        var lengthSet = Set<Int>()
        for token in added {
            let bytes = Array(token.content.utf8)
            storage += bytes
            offsets.append(storage.count)
            if let b = bytes.first { first[Int(b)] = true }
            if !bytes.isEmpty { lengthSet.insert(bytes.count) }
        }
        table = ByteStringTable(keys: TokenBytes(storage: storage, offsets: offsets),
                                values: (0..<added.count).map { UInt32($0) })
        lengths = lengthSet.sorted(by: >)
        firstByte = first
        anySpecial = added.contains { $0.special }
        anyNonSpecial = added.contains { !$0.special }
    }

    /// The first added token in `p[from..<end]` that may be matched, as (start, end, id).
    func firstMatch(_ p: UnsafePointer<UInt8>, from: Int, end: Int, allowSpecial: Bool, added: [AddedToken])
        -> (start: Int, end: Int, id: Int32)?
    {
        if !(anyNonSpecial || (allowSpecial && anySpecial)) { return nil }
        var i = from
        while i < end {
            if firstByte[Int(p[i])] {
                for length in lengths where i + length <= end {
                    if let index = table.lookup(p + i, length) {
                        let token = added[Int(index)]
                        if allowSpecial || !token.special { return (i, i + length, token.id) }
                    }
                }
            }
            i += 1
        }
        return nil
    }
}
