import RPC

/// What can go wrong in a pipeline, with the facts a user needs.
public enum PipelineError: Error, Equatable, CustomStringConvertible, StatusConvertible {
    case badRatio(String, String)
    case gridNotTrained(height: Int, width: Int, allowed: [[Int]])
    case badParameter(String)
    case malformedImageTokens(String)
    case service(String, RPCError)
    case cancelled
    case badModelFile(String)

    public var description: String {
        switch self {
        case .badRatio(let r, let why): "impossible ratio \"\(r)\": \(why)"
        case .gridNotTrained(let h, let w, let allowed):
            "the model was trained on \(allowed.map { "\($0[1] * 8)x\($0[0] * 8)" }.joined(separator: ", ")) images only; \(w * 8)x\(h * 8) was asked"
        case .badParameter(let m): m
        case .malformedImageTokens(let m): "the backbone returned a malformed image: \(m)"
        case .service(let name, let e): "\(name): \(e.code): \(e.message)"
        case .cancelled: "cancelled"
        case .badModelFile(let p): "cannot parse \(p)"
        }
    }

    public var statusCode: StatusCode {
        switch self {
        case .badRatio, .gridNotTrained, .badParameter: .invalidArgument
        case .malformedImageTokens, .badModelFile: .internal
        case .service(_, let e): e.code
        case .cancelled: .cancelled
        }
    }
}
