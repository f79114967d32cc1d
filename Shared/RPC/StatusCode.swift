/// gRPC's canonical status codes (google/rpc/code.proto numbering; RELIABILITY.md §6.1).
public enum StatusCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    /// The canonical upper-case name, e.g. "INVALID_ARGUMENT".
    public var description: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }

    /// Maps a raw wire code; values outside 0...16 become `.unknown`.
    public init(wire: Int32) { self = StatusCode(rawValue: wire) ?? .unknown }
}

/// An error with a status code: what handlers throw and what clients receive.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// > 0: the caller may retry after this many milliseconds (e.g. admission full).
    public var retryAfterMs: Int64

    public init(_ code: StatusCode, _ message: String, retryAfterMs: Int64 = 0) {
        self.code = code
        self.message = message
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidArgument(_ message: String) -> RPCError { RPCError(.invalidArgument, message) }
    public static func unavailable(_ message: String) -> RPCError { RPCError(.unavailable, message) }
    public static func deadlineExceeded(_ message: String) -> RPCError { RPCError(.deadlineExceeded, message) }
}

/// An engine error that knows its status code. Server targets conform their engines'
/// error types in one `StatusMapping.swift`; any other error becomes INTERNAL, with the
/// detail logged and not sent.
public protocol StatusConvertible: Error {
    var statusCode: StatusCode { get }
    /// The message sent to the client (defaults to the error's description).
    var statusMessage: String { get }
}

extension StatusConvertible {
    public var statusMessage: String { String(describing: self) }
}
