import RPC
import TextTokenizerEngine

/// The one place text tokenizer errors become status codes (RELIABILITY.md §6.1).
extension TextTokenizerError: StatusConvertible {
    public var statusCode: StatusCode {
        switch self {
        case .invalidUTF8, .nulCharacter, .idOutOfVocabulary, .visualCodeOutOfRange, .invalidGridShape,
             .malformedImageStream:
            .invalidArgument
        // Over a semantic size budget: RESOURCE_EXHAUSTED without retry_after_ms (§6.1).
        case .tooManyItems, .batchTooLarge:
            .resourceExhausted
        case .batchItem(_, let error):
            error.statusCode
        // Load-time failures: the process never becomes ready (exit 3); not sent to clients,
        // except `missingSpecialToken` from SpecialTokens on a vocabulary without the Emu3 layout.
        case .unreadableFile, .malformedVocabulary:
            .dataLoss
        case .unsupportedTokenizer, .noTokenizerInDirectory, .missingSpecialToken:
            .failedPrecondition
        }
    }
}
