// Swift values for proto/emu3/v1/health.proto: health checks and process info, served by every process.
// Field names are the proto names in lowerCamelCase; the wire code is in the +ProtobufC file.

/// Served by every process as "/emu3.v1.Health/Check", with grpc.health.v1 semantics:
/// the empty service name asks about the whole process; an unknown name gives NOT_FOUND.
public struct HealthCheckRequest: ProtoMessage {
    public var service: String = ""

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(service: String = "") {
        self.service = service
    }
}

public struct HealthCheckResponse: ProtoMessage {
    public var status: ServingStatus = .unknown

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(status: ServingStatus = .unknown) {
        self.status = status
    }
}

extension HealthCheckResponse {
    /// Values as in grpc.health.v1 (which predates the *_UNSPECIFIED convention).
    public enum ServingStatus: Sendable, Hashable, RawRepresentable {
        /// `UNKNOWN` = 0
        case unknown
        /// `SERVING` = 1
        case serving
        /// `NOT_SERVING` = 2
        case notServing
        /// `SERVICE_UNKNOWN` = 3
        case serviceUnknown
        /// A value this build does not know (from a newer peer); kept so that it round-trips.
        case unrecognized(Int32)

        /// The case for a wire value; unknown values become `.unrecognized`.
        public init(rawValue: Int32) {
            switch rawValue {
            case 0: self = .unknown
            case 1: self = .serving
            case 2: self = .notServing
            case 3: self = .serviceUnknown
            default: self = .unrecognized(rawValue)
            }
        }

        /// The wire value.
        public var rawValue: Int32 {
            switch self {
            case .unknown: 0
            case .serving: 1
            case .notServing: 2
            case .serviceUnknown: 3
            case .unrecognized(let value): value
            }
        }

        // Equality by wire value, so `.unrecognized(1)` equals the case it names.
        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }
}

/// "/emu3.v1.Info/Get": what this process is and how it is configured.
public struct InfoRequest: ProtoMessage {
    /// The message has no fields.
    public init() {}
}

public struct InfoResponse: ProtoMessage {
    /// e.g. "emu3-text-tokenizer"
    public var name: String = ""
    /// project version
    public var version: String = ""
    /// model directory or name; empty when none
    public var model: String = ""
    public var modelLoaded: Bool = false
    /// compute threads
    public var threads: Int32 = 0
    /// NNG_OPT_RECVMAXSZ of the listener
    public var recvMaxBytes: Int64 = 0
    /// concurrent requests the socket accepts
    public var contexts: Int32 = 0
    /// admission limit for work
    public var maxInFlight: Int32 = 0
    public var methods: [String] = []
    /// library versions, limits, model facts
    public var details: [KeyValue] = []
    public var uptimeMs: Int64 = 0

    /// A message holding the proto3 defaults.
    public init() {}

    /// Creates a message; every argument defaults to its proto3 default.
    public init(
        name: String = "",
        version: String = "",
        model: String = "",
        modelLoaded: Bool = false,
        threads: Int32 = 0,
        recvMaxBytes: Int64 = 0,
        contexts: Int32 = 0,
        maxInFlight: Int32 = 0,
        methods: [String] = [],
        details: [KeyValue] = [],
        uptimeMs: Int64 = 0
    ) {
        self.name = name
        self.version = version
        self.model = model
        self.modelLoaded = modelLoaded
        self.threads = threads
        self.recvMaxBytes = recvMaxBytes
        self.contexts = contexts
        self.maxInFlight = maxInFlight
        self.methods = methods
        self.details = details
        self.uptimeMs = uptimeMs
    }
}
