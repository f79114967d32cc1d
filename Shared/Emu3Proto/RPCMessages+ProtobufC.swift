// protobuf-c bridging for proto/emu3/v1/rpc.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension RpcRequest: CBridged {
    static func cDefault() -> Emu3__V1__RpcRequest { cInitialised(emu3__v1__rpc_request__init) }

    init(c: Emu3__V1__RpcRequest) {
        self.init(
            method: CRead.string(c.method),
            requestId: CRead.string(c.request_id),
            deadlineUnixMs: c.deadline_unix_ms,
            payload: CRead.bytes(c.payload))
    }

    func fill(_ c: inout Emu3__V1__RpcRequest, _ arena: CArena) {
        c.method = arena.string(method)
        c.request_id = arena.string(requestId)
        c.deadline_unix_ms = deadlineUnixMs
        c.payload = arena.bytes(payload)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension RpcReply: CBridged {
    static func cDefault() -> Emu3__V1__RpcReply { cInitialised(emu3__v1__rpc_reply__init) }

    init(c: Emu3__V1__RpcReply) {
        self.init(
            requestId: CRead.string(c.request_id),
            code: c.code,
            message: CRead.string(c.message),
            payload: CRead.bytes(c.payload),
            retryAfterMs: c.retry_after_ms)
    }

    func fill(_ c: inout Emu3__V1__RpcReply, _ arena: CArena) {
        c.request_id = arena.string(requestId)
        c.code = code
        c.message = arena.string(message)
        c.payload = arena.bytes(payload)
        c.retry_after_ms = retryAfterMs
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension KeyValue: CBridged {
    static func cDefault() -> Emu3__V1__KeyValue { cInitialised(emu3__v1__key_value__init) }

    init(c: Emu3__V1__KeyValue) {
        self.init(
            key: CRead.string(c.key),
            value: CRead.string(c.value))
    }

    func fill(_ c: inout Emu3__V1__KeyValue, _ arena: CArena) {
        c.key = arena.string(key)
        c.value = arena.string(value)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
