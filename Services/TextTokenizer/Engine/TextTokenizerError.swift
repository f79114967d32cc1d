// Typed errors of the text tokenizer engine. The service maps them to status codes in one
// place (Server/StatusMapping.swift); every case carries the facts a caller needs.

/// Everything the text tokenizer engine can throw.
public enum TextTokenizerError: Error, Equatable, Sendable {
    /// Input bytes are not valid UTF-8; `byteOffset` is the first byte of the first bad sequence.
    case invalidUTF8(byteOffset: Int)
    /// Input text contains U+0000 (rejected by ``TextBatchLimits`` when `rejectNUL` is set).
    case nulCharacter(byteOffset: Int)
    /// A token id that the loaded vocabulary does not have.
    case idOutOfVocabulary(id: Int32, vocabularySize: Int)
    /// A vocabulary file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// A vocabulary file is malformed; `line` is 1-based (0 when the problem is not on one line).
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// The file is well formed but declares something this engine does not implement
    /// (e.g. an unknown pre-tokenizer regex or a BPE option such as `continuing_subword_prefix`).
    case unsupportedTokenizer(path: String, feature: String)
    /// A model folder holds none of the files a tokenizer can be loaded from.
    case noTokenizerInDirectory(path: String, looked: [String])
    /// The vocabulary lacks a token the Emu3 layout needs (spec §5.1), or the visual tokens
    /// are not one contiguous id range.
    case missingSpecialToken(name: String)
    /// A visual code outside `0..<count`.
    case visualCodeOutOfRange(code: Int, count: Int)
    /// A code grid whose `codes.count` is not `height * width`, or with a side < 1.
    case invalidGridShape(height: Int, width: Int, codeCount: Int)
    /// A token stream that is not one well-formed image span (spec §5.2).
    case malformedImageStream(ImageStreamProblem)
    /// A batch with more texts or sequences than allowed.
    case tooManyItems(count: Int, limit: Int)
    /// A batch whose texts (UTF-8) or ids add up to more than allowed.
    case batchTooLarge(size: Int, limit: Int)
    /// One item of a batch failed; `index` is its position in the batch.
    indirect case batchItem(index: Int, error: TextTokenizerError)
}

/// What is wrong with an image token stream (spec §5.2:
/// `<|image start|> "h*w" <|image token|> (row EOL)×h EOF <|image end|>`).
/// Positions (`at`) are indices into the id array that was parsed.
public enum ImageStreamProblem: Equatable, Sendable {
    /// The first id is not `<|image start|>`.
    case missingImageStart(found: Int32?)
    /// No `<|image token|>` follows the meta text.
    case missingImageToken
    /// The meta text between `<|image start|>` and `<|image token|>` is not `"{h}*{w}"`.
    case unparsableMetaText(String)
    /// An id inside a row that is neither a visual token, EOL nor EOF.
    case nonVisualTokenInRow(row: Int, column: Int, id: Int32, at: Int)
    /// A row whose length differs from the meta text's width.
    case wrongRowLength(row: Int, expected: Int, found: Int)
    /// The ids end inside a row (no EOL after it).
    case missingEndOfLine(row: Int)
    /// The ids end after the last EOL without an EOF.
    case missingEndOfFrame
    /// The id after EOF is not `<|image end|>` (nil: the ids ended).
    case missingImageEnd(found: Int32?)
    /// The number of rows differs from the meta text's height.
    case wrongRowCount(expected: Int, found: Int)
    /// Ids remain after `<|image end|>` where a whole stream was expected.
    case trailingTokens(count: Int)
}

extension TextTokenizerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidUTF8(let offset): "invalid UTF-8 at byte \(offset)"
        case .nulCharacter(let offset): "text contains NUL (U+0000) at byte \(offset)"
        case .idOutOfVocabulary(let id, let size): "token id \(id) is not in the vocabulary (size \(size))"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedVocabulary(let path, let line, let reason):
            line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        case .unsupportedTokenizer(let path, let feature): "\(path): unsupported \(feature)"
        case .noTokenizerInDirectory(let path, let looked):
            "no tokenizer in \(path) (looked for \(looked.joined(separator: ", ")))"
        case .missingSpecialToken(let name): "the vocabulary has no usable \(name)"
        case .visualCodeOutOfRange(let code, let count): "visual code \(code) is outside 0..<\(count)"
        case .invalidGridShape(let h, let w, let n): "grid \(h)x\(w) with \(n) codes"
        case .malformedImageStream(let problem): "malformed image stream: \(problem)"
        case .tooManyItems(let count, let limit): "\(count) items in one batch (limit \(limit))"
        case .batchTooLarge(let size, let limit): "batch size \(size) exceeds the limit \(limit)"
        case .batchItem(let index, let error): "item \(index): \(error)"
        }
    }
}
