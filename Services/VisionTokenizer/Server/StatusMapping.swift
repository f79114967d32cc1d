import RPC
import VisionTokenizerEngine

/// The one place vision tokenizer errors become status codes (RELIABILITY.md §6.1).
extension VisionTokenizerError: StatusConvertible {
    public var statusCode: StatusCode {
        switch self {
        case .image(let error):
            switch error {
            case .outOfMemory: .resourceExhausted
            case .internalFailure: .internal
            default: .invalidArgument  // bad or hostile PNGs, including "image too large" (test D1)
            }
        case .imageSizeNotMultiple, .aspectRatioTooLarge, .imageTooSmall, .invalidCodeGrid, .codeOutOfRange,
            .notASingleFrame, .frameCountNotMultiple, .frameSizesDiffer:
            .invalidArgument
        // A request over a semantic size budget: RESOURCE_EXHAUSTED without retry_after_ms.
        case .tooLarge: .resourceExhausted
        case .stopped(.cancelled): .cancelled
        case .stopped(.deadlineExceeded): .deadlineExceeded
        // Load-time failures: the process never becomes ready (exit 3); not sent to clients.
        case .weights: .dataLoss
        case .modelNotFound, .configUnreadable, .configInvalid, .unexpectedTensors: .failedPrecondition
        }
    }
}
