/// Everything the backbone engine refuses, with the facts needed to say why.
///
/// Request errors (`invalid…`, `tokenOutOfVocabulary`, `sequenceTooLong`, …) are the caller's
/// fault (INVALID_ARGUMENT at the service edge); load errors (`config…`, `tensor…`,
/// `weights…`) stop the process from becoming ready; `cancelled` / `deadlineExceeded` end a
/// running generation between steps.
public enum BackboneError: Error, Equatable, Sendable {
    // MARK: - Loading
    /// `config.json` could not be read or is not JSON.
    case configUnreadable(path: String, reason: String)
    /// A config key is missing, has the wrong type or an impossible value.
    case invalidConfig(key: String, reason: String)
    /// A config key names something this engine does not implement.
    case unsupportedConfig(key: String, value: String, supported: [String])
    /// A tensor the config implies is absent (named as the checkpoint would name it).
    case missingTensor(name: String)
    /// A tensor has the wrong shape.
    case tensorShape(name: String, expected: [Int], actual: [Int])
    /// A tensor is stored in a type the engine cannot compute with.
    case tensorDType(name: String, dtype: String, supported: [String])
    /// The weight files themselves are unreadable or corrupt (safetensors validation).
    case weightsUnreadable(reason: String)

    // MARK: - Requests
    /// A token list that must not be empty is empty (`field` is the request field).
    case emptyTokens(field: String)
    /// `ids[index]` is not in `0 ..< vocabularySize`.
    case tokenOutOfVocabulary(field: String, index: Int, id: Int32, vocabularySize: Int)
    /// The sequence would exceed the model's context.
    case sequenceTooLong(field: String, length: Int, maxLength: Int)
    /// A sampling or generation parameter is out of its allowed range.
    case invalidParameter(field: String, value: String, allowed: String)
    /// An image layout that cannot be generated from this prompt.
    case invalidLayout(height: Int, width: Int, reason: String)
    /// Rows of a left-padded batch are inconsistent (lengths, mask values).
    case invalidBatch(reason: String)

    // MARK: - Control
    /// Cancelled between steps after `tokensDone` new tokens.
    case cancelled(tokensDone: Int)
    /// The request's deadline passed between steps after `tokensDone` new tokens.
    case deadlineExceeded(tokensDone: Int)
}

extension BackboneError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .configUnreadable(let path, let reason): "cannot read config \(path): \(reason)"
        case .invalidConfig(let key, let reason): "config key '\(key)': \(reason)"
        case .unsupportedConfig(let key, let value, let supported):
            "config key '\(key)' = \(value) is not supported (supported: \(supported.joined(separator: ", ")))"
        case .missingTensor(let name): "tensor '\(name)' is missing"
        case .tensorShape(let name, let expected, let actual): "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .tensorDType(let name, let dtype, let supported):
            "tensor '\(name)' has dtype \(dtype) (supported: \(supported.joined(separator: ", ")))"
        case .weightsUnreadable(let reason): "weights unreadable: \(reason)"
        case .emptyTokens(let field): "\(field) must not be empty"
        case .tokenOutOfVocabulary(let field, let index, let id, let vocab):
            "\(field)[\(index)] = \(id) is outside the vocabulary 0..<\(vocab)"
        case .sequenceTooLong(let field, let length, let maxLength):
            "\(field): \(length) tokens exceed the context of \(maxLength)"
        case .invalidParameter(let field, let value, let allowed): "\(field) = \(value) is invalid: must be \(allowed)"
        case .invalidLayout(let h, let w, let reason): "image layout \(h)x\(w): \(reason)"
        case .invalidBatch(let reason): "padded batch: \(reason)"
        case .cancelled(let n): "cancelled after \(n) tokens"
        case .deadlineExceeded(let n): "deadline exceeded after \(n) tokens"
        }
    }
}
