// protobuf-c bridging for proto/emu3/v1/health.proto (see CBridge.swift for the pattern).
internal import CEmu3Proto

extension HealthCheckRequest: CBridged {
    static func cDefault() -> Emu3__V1__HealthCheckRequest { cInitialised(emu3__v1__health_check_request__init) }

    init(c: Emu3__V1__HealthCheckRequest) {
        self.init(
            service: CRead.string(c.service))
    }

    func fill(_ c: inout Emu3__V1__HealthCheckRequest, _ arena: CArena) {
        c.service = arena.string(service)
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension HealthCheckResponse: CBridged {
    static func cDefault() -> Emu3__V1__HealthCheckResponse { cInitialised(emu3__v1__health_check_response__init) }

    init(c: Emu3__V1__HealthCheckResponse) {
        self.init(
            status: .init(rawValue: Int32(truncatingIfNeeded: c.status.rawValue)))
    }

    func fill(_ c: inout Emu3__V1__HealthCheckResponse, _ arena: CArena) {
        c.status = .init(rawValue: .init(truncatingIfNeeded: status.rawValue))
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension InfoRequest: CBridged {
    static func cDefault() -> Emu3__V1__InfoRequest { cInitialised(emu3__v1__info_request__init) }

    init(c: Emu3__V1__InfoRequest) { self.init() }
    func fill(_ c: inout Emu3__V1__InfoRequest, _ arena: CArena) {}

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}

extension InfoResponse: CBridged {
    static func cDefault() -> Emu3__V1__InfoResponse { cInitialised(emu3__v1__info_response__init) }

    init(c: Emu3__V1__InfoResponse) {
        self.init(
            name: CRead.string(c.name),
            version: CRead.string(c.version),
            model: CRead.string(c.model),
            modelLoaded: c.model_loaded != 0,
            threads: c.threads,
            recvMaxBytes: c.recv_max_bytes,
            contexts: c.contexts,
            maxInFlight: c.max_in_flight,
            methods: CRead.strings(c.methods, c.n_methods),
            details: CRead.messages(c.details, c.n_details),
            uptimeMs: c.uptime_ms)
    }

    func fill(_ c: inout Emu3__V1__InfoResponse, _ arena: CArena) {
        c.name = arena.string(name)
        c.version = arena.string(version)
        c.model = arena.string(model)
        c.model_loaded = modelLoaded ? 1 : 0
        c.threads = threads
        c.recv_max_bytes = recvMaxBytes
        c.contexts = contexts
        c.max_in_flight = maxInFlight
        c.n_methods = methods.count
        c.methods = arena.strings(methods)
        c.n_details = details.count
        c.details = arena.messages(details)
        c.uptime_ms = uptimeMs
    }

    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        self = try .decodeWithProtobufC(bytes)
    }

    public func serializedBytes() -> [UInt8] { encodeWithProtobufC() }
}
