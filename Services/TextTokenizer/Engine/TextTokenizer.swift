// The text tokenizer: Qwen byte-level BPE with Emu3's special and visual tokens (spec §5, §7).
// Loads `qwen.tiktoken`/`emu3.tiktoken` (+ specials) or a HF `tokenizer.json`; encodes with
// specials allowed or not, decodes with invalid UTF-8 replaced. No sockets, no protos.

import Foundation

/// A loaded text tokenizer. Immutable and thread-safe: share one instance.
public final class TextTokenizer: Sendable {
    let vocabulary: Vocabulary
    private let emu3: Result<Emu3SpecialTokens, TextTokenizerError>

    private init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        self.emu3 = Result { try Emu3SpecialTokens(resolving: vocabulary) }
            .mapError { $0 as? TextTokenizerError ?? .missingSpecialToken(name: "\($0)") }
    }

    /// Loads a tiktoken rank file and appends special tokens after its ranks.
    /// - Parameters:
    ///   - tiktokenFile: `qwen.tiktoken` or `emu3.tiktoken` (`base64 rank` per line, spec §7.1).
    ///   - specialTokens: special-token names in id order from the rank count on; the default
    ///     is the Emu3 layout (spec §5.1, vocabulary 184,622 with Qwen's 151,643 ranks).
    ///   - normalization: `.nfc` (default) as the Emu3 reference; `.none` as tiktoken itself.
    /// - Throws: ``TextTokenizerError/unreadableFile(path:reason:)`` or
    ///   ``TextTokenizerError/malformedVocabulary(path:line:reason:)``.
    public convenience init(
        tiktokenFile: URL, specialTokens: [String] = Emu3Layout.specialNames(),
        normalization: TextNormalization = .nfc
    ) throws {
        self.init(vocabulary: try TiktokenLoader.load(
            path: tiktokenFile.path, specialNames: specialTokens, normalization: normalization))
    }

    /// Loads a HF `tokenizer.json` holding a byte-level BPE.
    /// - Parameters:
    ///   - tokenizerJSONFile: the file.
    ///   - normalization: nil (default) uses the file's `normalizer` (NFC or none).
    /// - Throws: ``TextTokenizerError/malformedVocabulary(path:line:reason:)`` (with the line) or
    ///   ``TextTokenizerError/unsupportedTokenizer(path:feature:)``.
    public convenience init(tokenizerJSONFile: URL, normalization: TextNormalization? = nil) throws {
        self.init(vocabulary: try TokenizerJSONLoader.load(path: tokenizerJSONFile.path, normalization: normalization))
    }

    /// Loads the tokenizer of a model folder: `tokenizer.json` if present, else `emu3.tiktoken`
    /// with `emu3_vision_tokens.txt` (the original BAAI layout), else `qwen.tiktoken` with the
    /// default Emu3 specials.
    /// - Throws: ``TextTokenizerError/noTokenizerInDirectory(path:looked:)`` or a load error.
    public static func load(modelDirectory: URL) throws -> TextTokenizer {
        let fm = FileManager.default
        let json = modelDirectory.appendingPathComponent("tokenizer.json")
        if fm.fileExists(atPath: json.path) { return try TextTokenizer(tokenizerJSONFile: json) }
        let emu3 = modelDirectory.appendingPathComponent("emu3.tiktoken")
        let vision = modelDirectory.appendingPathComponent("emu3_vision_tokens.txt")
        if fm.fileExists(atPath: emu3.path) {
            var names = Emu3Layout.specialNames()
            if fm.fileExists(atPath: vision.path) {
                names = Emu3Layout.qwenSpecialNames + (try TiktokenLoader.readNames(path: vision.path))
            }
            return try TextTokenizer(tiktokenFile: emu3, specialTokens: names)
        }
        let qwen = modelDirectory.appendingPathComponent("qwen.tiktoken")
        if fm.fileExists(atPath: qwen.path) { return try TextTokenizer(tiktokenFile: qwen) }
        throw TextTokenizerError.noTokenizerInDirectory(
            path: modelDirectory.path, looked: ["tokenizer.json", "emu3.tiktoken", "qwen.tiktoken"])
    }

    // MARK: - Facts

    /// Number of ids (largest id + 1), specials included.
    public var vocabularySize: Int { vocabulary.size }
    /// Normalisation applied by ``encode(_:allowSpecial:)``.
    public var normalization: TextNormalization { vocabulary.normalization }
    /// The pre-tokenizer regex in use.
    public var preTokenizerPattern: PreTokenizerPattern { vocabulary.pattern }
    /// The file this tokenizer was loaded from.
    public var source: VocabularySource { vocabulary.source }

    /// The Emu3 special and visual token ids of this vocabulary, resolved by name at load.
    /// - Throws: ``TextTokenizerError/missingSpecialToken(name:)`` when the vocabulary lacks one.
    public func specialTokens() throws -> Emu3SpecialTokens { try emu3.get() }

    /// The id of a token: an added/special token by its text, else a regular token whose bytes
    /// are the UTF-8 of `content`. Nil when there is none.
    public func tokenID(for content: String) -> Int32? {
        if let id = vocabulary.addedTokenID(content) { return id }
        var bytes = Array(content.utf8)
        let n = bytes.count
        guard n > 0 else { return nil }
        return bytes.withUnsafeMutableBufferPointer { buffer -> Int32? in
            var scratch = MergeScratch()
            var out: [Int32] = []
            vocabulary.rules.encodePiece(buffer.baseAddress!, 0, n, byteIDs: vocabulary.byteIDs,
                                         scratch: &scratch, into: &out)
            guard out.count == 1, let id = out.first,
                  vocabulary.tokenBytes.equals(Int(id), buffer.baseAddress!, n) else { return nil }
            return id
        }
    }

    /// Whether `id` is a special token (an added token marked special; all tiktoken specials).
    public func isSpecial(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < vocabulary.size && vocabulary.special[Int(id)]
    }

    // MARK: - Encoding

    /// Encodes text to token ids (no BOS/EOS added).
    /// - Parameters:
    ///   - text: any text; normalised first when ``normalization`` is `.nfc`.
    ///   - allowSpecial: when false (default), text that looks like a special token
    ///     (`"<|extra_203|>"`) is encoded as plain text — a server must not let users inject
    ///     structure (spec §9 pitfall 19); when true, special tokens in the text become their ids.
    /// - Returns: the ids.
    public func encode(_ text: String, allowSpecial: Bool = false) -> [Int32] {
        var scratch = MergeScratch()
        var out: [Int32] = []
        encode(text, allowSpecial: allowSpecial, scratch: &scratch, into: &out)
        return out
    }

    /// Encodes UTF-8 bytes (for callers that receive raw bytes, such as the service).
    /// - Throws: ``TextTokenizerError/invalidUTF8(byteOffset:)`` naming the first bad byte.
    public func encode(utf8 bytes: [UInt8], allowSpecial: Bool = false) throws -> [Int32] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TextTokenizerError.invalidUTF8(byteOffset: firstInvalidUTF8Offset(bytes) ?? 0)
        }
        return encode(text, allowSpecial: allowSpecial)
    }

    func encode(_ text: String, allowSpecial: Bool, scratch: inout MergeScratch, into out: inout [Int32]) {
        out.reserveCapacity(out.count + text.utf8.count / 3 + 1)
        if normalization == .nfc, let normalized = nfcBytesIfChanged(text) {
            normalized.withUnsafeBufferPointer { encodeBytes($0, allowSpecial, &scratch, &out) }
            return
        }
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ encodeBytes($0, allowSpecial, &scratch, &out) }) {
            return done
        }
        Array(text.utf8).withUnsafeBufferPointer { encodeBytes($0, allowSpecial, &scratch, &out) }
    }

    /// Splits out added tokens (spec §7.2 step 2), then pre-tokenises and merges each segment.
    private func encodeBytes(
        _ buffer: UnsafeBufferPointer<UInt8>, _ allowSpecial: Bool, _ scratch: inout MergeScratch,
        _ out: inout [Int32]
    ) {
        guard let p = buffer.baseAddress, buffer.count > 0 else { return }
        let n = buffer.count
        var segmentStart = 0
        while segmentStart < n {
            let match = vocabulary.addedMatcher.firstMatch(
                p, from: segmentStart, end: n, allowSpecial: allowSpecial, added: vocabulary.added)
            let segmentEnd = match?.start ?? n
            if segmentEnd > segmentStart { encodeSegment(p, segmentStart, segmentEnd, &scratch, &out) }
            guard let match else { break }
            out.append(match.id)
            segmentStart = match.end
        }
    }

    private func encodeSegment(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ scratch: inout MergeScratch, _ out: inout [Int32]
    ) {
        if vocabulary.addPrefixSpace && p[start] != 0x20 {
            var prefixed: [UInt8] = [0x20]
            prefixed.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start))
            prefixed.withUnsafeBufferPointer { encodePieces($0.baseAddress!, 0, $0.count, &scratch, &out) }
        } else {
            encodePieces(p, start, end, &scratch, &out)
        }
    }

    @inline(__always)
    private func encodePieces(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ scratch: inout MergeScratch, _ out: inout [Int32]
    ) {
        let vocabulary = self.vocabulary
        let byteIDs = vocabulary.byteIDs
        var scanner = PieceScanner(p, start: start, end: end, pattern: vocabulary.pattern)
        var pieceStart = start
        while let pieceEnd = scanner.nextEnd() {
            let length = pieceEnd - pieceStart
            if length == 1 {
                out.append(Int32(bitPattern: byteIDs[Int(p[pieceStart])]))
            } else if let whole = vocabulary.wholePiece, let id = whole.lookup(p + pieceStart, length) {
                out.append(Int32(bitPattern: id))
            } else {
                vocabulary.rules.encodePiece(p, pieceStart, pieceEnd, byteIDs: byteIDs, scratch: &scratch, into: &out)
            }
            pieceStart = pieceEnd
        }
    }

    // MARK: - Decoding

    /// The bytes of `ids`, concatenated.
    /// - Parameter skipSpecial: drop special tokens (spec §6.5: all ids of the Emu3 specials).
    /// - Throws: ``TextTokenizerError/idOutOfVocabulary(id:vocabularySize:)`` naming the first bad id.
    public func decodeBytes(_ ids: some Sequence<Int32>, skipSpecial: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        try appendBytes(ids, skipSpecial: skipSpecial, to: &out)
        return out
    }

    /// Decodes ids to text, replacing invalid UTF-8 with U+FFFD (one per maximal invalid
    /// subsequence, as Python's `errors="replace"`; spec §7.4).
    /// - Throws: ``TextTokenizerError/idOutOfVocabulary(id:vocabularySize:)``.
    public func decode(_ ids: some Sequence<Int32>, skipSpecial: Bool = false) throws -> String {
        String(decoding: try decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// A streaming decoder that holds back an incomplete trailing UTF-8 sequence.
    public func makeIncrementalDecoder(skipSpecial: Bool = false) -> IncrementalDecoder {
        IncrementalDecoder(tokenizer: self, skipSpecial: skipSpecial)
    }

    func appendBytes(_ ids: some Sequence<Int32>, skipSpecial: Bool, to out: inout [UInt8]) throws {
        let vocabulary = self.vocabulary
        let tokens = vocabulary.tokenBytes
        for id in ids {
            let k = Int(id)
            guard k >= 0, k < vocabulary.size, vocabulary.present[k] else {
                throw TextTokenizerError.idOutOfVocabulary(id: id, vocabularySize: vocabulary.size)
            }
            if skipSpecial && vocabulary.special[k] { continue }
            out.append(contentsOf: UnsafeBufferPointer(start: tokens.start(k), count: tokens.length(k)))
        }
    }
}
