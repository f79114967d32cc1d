// Swift values for proto/emu3/v1/rpc.proto: the envelope every call travels in.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

/// The one envelope every call travels in, in every language: a client needs one pattern.
/// `method` is gRPC-style ("/emu3.v1.TextTokenizer/Encode"); `payload` is the method's own
/// request message. `deadline_unix_ms` is required: a request whose deadline has passed is
/// answered DEADLINE_EXCEEDED before any work (RELIABILITY.md §6.3).
public struct RpcRequest: ProtoMessage {
    public var method: String = ""
    public var requestId: String = ""
    public var deadlineUnixMs: Int64 = 0
    public var payload: [UInt8] = []

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        method: String = "",
        requestId: String = "",
        deadlineUnixMs: Int64 = 0,
        payload: [UInt8] = []
    ) {
        self.method = method
        self.requestId = requestId
        self.deadlineUnixMs = deadlineUnixMs
        self.payload = payload
    }
}

/// `code` uses gRPC's canonical numbering (0 OK, 3 INVALID_ARGUMENT, 4 DEADLINE_EXCEEDED,
/// 8 RESOURCE_EXHAUSTED, 12 UNIMPLEMENTED, 13 INTERNAL, 14 UNAVAILABLE ...). `payload` holds
/// the method's response message when `code` is 0. `retry_after_ms` > 0 says the request may
/// be retried (on another replica) after that long.
public struct RpcReply: ProtoMessage {
    public var requestId: String = ""
    public var code: Int32 = 0
    public var message: String = ""
    public var payload: [UInt8] = []
    public var retryAfterMs: Int64 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        requestId: String = "",
        code: Int32 = 0,
        message: String = "",
        payload: [UInt8] = [],
        retryAfterMs: Int64 = 0
    ) {
        self.requestId = requestId
        self.code = code
        self.message = message
        self.payload = payload
        self.retryAfterMs = retryAfterMs
    }
}

/// A free-form key/value pair (proto3 maps are avoided to keep protobuf-c output simple).
public struct KeyValue: ProtoMessage {
    public var key: String = ""
    public var value: String = ""

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(key: String = "", value: String = "") {
        self.key = key
        self.value = value
    }
}
