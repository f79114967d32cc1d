import BackboneEngine
import RPC

/// The one place backbone errors become status codes (RELIABILITY.md §6.1).
extension BackboneError: StatusConvertible {
    public var statusCode: StatusCode {
        switch self {
        case .emptyTokens, .tokenOutOfVocabulary, .sequenceTooLong, .invalidParameter, .invalidLayout, .invalidBatch:
            .invalidArgument
        case .cancelled: .cancelled
        case .deadlineExceeded: .deadlineExceeded
        // Load-time failures: the process never becomes ready (exit 3); not sent to clients.
        case .weightsUnreadable: .dataLoss
        case .configUnreadable, .invalidConfig, .unsupportedConfig, .missingTensor, .tensorShape, .tensorDType:
            .failedPrecondition
        }
    }
}
