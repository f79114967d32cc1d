import CNNG
import Dispatch
import Emu3Proto
import Foundation
import Logging
import NNG

/// Socket-level settings of a server. Every one is set explicitly on the socket and its
/// listeners: libnng 1.5.2's defaults are unsafe (RELIABILITY.md §0.1, §0.4).
public struct ServerOptions: Sendable {
    /// `NNG_OPT_RECVMAXSZ`: larger messages drop the connection before any allocation.
    public var recvMaxBytes: Int
    /// Concurrent requests the socket accepts (one `nng_ctx` each).
    public var contexts: Int
    /// How long sending a reply may take before it is dropped.
    public var sendTimeoutMs: Int32 = 10_000
    /// Requests whose deadline is further away than this are refused (RELIABILITY.md B8).
    public var maxDeadlineMs: Int64 = 2 * 3600 * 1000
    /// Mode of `ipc://` socket files, set before the listener starts.
    public var ipcPermissions: Int32 = 0o600
    /// Connections accepted at once (refused in `ADD_PRE` beyond; RELIABILITY.md §0.9).
    public var maxConnections: Int = 512
    /// Fault injection for tests (RELIABILITY.md §7 harness): method → delay in ms before the
    /// handler runs (the delay honours cancellation and the deadline). Parsed from
    /// `EMU3_FAULTS="/emu3.v1.Evaluator/DpoLoss:delay_ms=500;..."`.
    public var faultDelaysMs: [String: Int] = [:]

    public init(recvMaxBytes: Int, contexts: Int) {
        self.recvMaxBytes = recvMaxBytes
        self.contexts = contexts
    }
}

/// Whether the process takes work (grpc.health.v1 semantics).
public enum ServingState: Sendable, Equatable {
    case notServing  // loading
    case serving
    case draining    // SIGTERM received: Health NOT_SERVING, new work UNAVAILABLE
}

/// A REP server that serves many requests at once: `contexts` `nng_ctx` state machines
/// (receive → work → send) on one socket, with the work on a dispatch queue, never on
/// libnng's I/O threads. Handlers are registered by gRPC-style method name.
public final class RPCServer: @unchecked Sendable {
    public typealias RawHandler = @Sendable ([UInt8], RequestContext) throws -> [UInt8]

    public let serviceName: String
    public let options: ServerOptions
    let logger: Logger
    let socket: Socket
    let workQueue = DispatchQueue(label: "emu3.rpc.work", qos: .userInitiated, attributes: .concurrent)

    // protected by `lock`.
    private let lock = Lock()
    private var handlers: [String: RawHandler] = [:]
    private var _state: ServingState = .notServing
    private var inFlightFlags: [ObjectIdentifier: CancellationFlag] = [:]
    private var workers: [ServerWorker] = []
    private var connections = 0
    /// Requests received whose reply has not yet been handed to the transport: a handler
    /// returning is not the end of a request, its reply still has to go out.
    private var repliesOwed = 0
    private let idle = DispatchSemaphore(value: 0)
    private var waitingForIdle = false

    /// Parses `EMU3_FAULTS` (`method:delay_ms=N;...`); unknown entries are ignored.
    public static func faultDelays(from spec: String?) -> [String: Int] {
        var out: [String: Int] = [:]
        for entry in (spec ?? "").split(separator: ";") {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix("delay_ms="), let ms = Int(parts[1].dropFirst(9)) else { continue }
            out[String(parts[0])] = ms
        }
        return out
    }

    public init(serviceName: String, options: ServerOptions, logger: Logger) throws(NNGError) {
        self.serviceName = serviceName
        self.options = options
        self.logger = logger
        socket = try Socket(.rep)
        try socket.set(size: options.recvMaxBytes, for: NNG_OPT_RECVMAXSZ)
        try socket.set(milliseconds: options.sendTimeoutMs, for: NNG_OPT_SENDTIMEO)
        // A server waits for its next request as long as it runs; set explicitly rather than
        // left to the library default (which happens to be the same).
        try socket.set(milliseconds: Int32(NNG_DURATION_INFINITE), for: NNG_OPT_RECVTIMEO)
        let maxConnections = options.maxConnections
        try socket.onPipeEvent(.addPre) { [weak self] _ in
            guard let self else { return false }
            return self.lock.withLock {
                guard self.connections < maxConnections else { return false }
                self.connections += 1
                return true
            }
        }
        try socket.onPipeEvent(.removePost) { [weak self] _ in
            self?.lock.withLock { self?.connections = max(0, (self?.connections ?? 1) - 1) }
            return true
        }
    }

    // MARK: - Registration

    /// Registers a typed handler. The payload is decoded (invalid → INVALID_ARGUMENT), and
    /// thrown errors are mapped to status codes in one place (`replyFor(error:)`).
    public func register<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, gate: AdmissionGate? = nil,
        _ handler: @escaping @Sendable (Request, RequestContext) throws -> Response
    ) {
        registerRaw(method) { bytes, context in
            let request: Request
            do {
                request = try Request(serializedBytes: bytes)
            } catch {
                throw RPCError(.invalidArgument, "malformed \(Request.self): \(error)")
            }
            if let gate {
                try gate.acquire()
                defer { gate.release() }
                return try handler(request, context).serializedBytes()
            }
            return try handler(request, context).serializedBytes()
        }
    }

    public func registerRaw(_ method: String, _ handler: @escaping RawHandler) {
        lock.withLock { handlers[method] = handler }
    }

    public var methods: [String] { lock.withLock { handlers.keys.sorted() } }

    // MARK: - Lifecycle

    public var state: ServingState { lock.withLock { _state } }

    /// Marks the process ready (Health SERVING): call after the model is loaded and warm.
    public func setServing() { lock.withLock { if _state == .notServing { _state = .serving } } }

    public var inFlight: Int { lock.withLock { inFlightFlags.count } }

    /// Opens the listeners and starts the context state machines.
    public func start(listening urls: [String]) throws(NNGError) {
        for url in urls {
            try socket.listen(url) { (l: Listener) throws(NNGError) in
                try l.set(size: options.recvMaxBytes, for: NNG_OPT_RECVMAXSZ)
                if url.hasPrefix("ipc://") { try l.set(int: options.ipcPermissions, for: NNG_OPT_IPC_PERMISSIONS) }
                if url.hasPrefix("tcp://") { try l.set(bool: true, for: NNG_OPT_TCP_KEEPALIVE) }
            }
        }
        let created = try (0..<max(1, options.contexts)).map { _ throws(NNGError) in try ServerWorker(server: self) }
        lock.withLock { workers = created }
        created.forEach { $0.start() }
    }

    /// Stops taking work (Health NOT_SERVING, new requests UNAVAILABLE), waits up to
    /// `grace` for in-flight requests and their replies, then cancels the rest with UNAVAILABLE
    /// "shutting down" and waits briefly for them, then gives the transports `replyFlushSeconds`
    /// to write the last replies. Returns the number cut short.
    @discardableResult
    public func drain(grace: Duration) -> Int {
        lock.withLock { _state = .draining }
        let deadline = DispatchTime.now() + .milliseconds(Int(grace.components.seconds * 1000
            + grace.components.attoseconds / 1_000_000_000_000_000))
        var cut = 0
        if !waitIdle(until: deadline) {
            let flags = lock.withLock { Array(inFlightFlags.values) }
            flags.forEach { $0.cancel(RPCError(.unavailable, "shutting down")) }
            _ = waitIdle(until: .now() + .seconds(2))
            cut = flags.count
        }
        Thread.sleep(forTimeInterval: Self.replyFlushSeconds)
        return cut
    }

    /// How long `drain` waits after the last reply is handed over: REP finishes a send when the
    /// reply is queued on the pipe, not when it is written, and NNG 1.5.2 has no linger, so
    /// closing at once can cut the last replies off (the client sees its connection reset).
    static let replyFlushSeconds = 0.2

    /// A worker took a request (+1) or handed its reply over or dropped it (-1).
    func replyOwed(_ delta: Int) {
        lock.withLock {
            repliesOwed += delta
            if delta < 0 { signalIdleIfWaiting() }
        }
    }

    /// Called with `lock` held.
    private func signalIdleIfWaiting() {
        if inFlightFlags.isEmpty && repliesOwed == 0 && waitingForIdle { waitingForIdle = false; idle.signal() }
    }

    /// Closes the socket; pending receives end and the workers stop.
    public func stop() {
        socket.close()
        let ws = lock.withLock { () -> [ServerWorker] in defer { workers = [] }; return workers }
        ws.forEach { $0.stop() }
    }

    private func waitIdle(until deadline: DispatchTime) -> Bool {
        while true {
            let busy = lock.withLock { () -> Bool in
                if inFlightFlags.isEmpty && repliesOwed == 0 { return false }
                waitingForIdle = true
                return true
            }
            if !busy { return true }
            if idle.wait(timeout: min(deadline, .now() + .milliseconds(50))) == .timedOut,
               DispatchTime.now() >= deadline {
                return lock.withLock { inFlightFlags.isEmpty && repliesOwed == 0 }
            }
        }
    }

    // MARK: - One request

    /// Turns request bytes into reply bytes. Never throws: every failure is a status.
    func process(_ bytes: [UInt8]) -> [UInt8] {
        var reply = RpcReply()
        let envelope: RpcRequest
        do {
            envelope = try RpcRequest(serializedBytes: bytes)
        } catch {
            reply.code = StatusCode.invalidArgument.rawValue
            reply.message = "malformed envelope: \(error)"
            return reply.serializedBytes()
        }
        reply.requestId = envelope.requestId
        let start = monotonicNanoseconds()
        var log = logger
        log[metadataKey: "request.id"] = "\(envelope.requestId)"
        log[metadataKey: "rpc.method"] = "\(envelope.method)"
        do {
            reply.payload = try dispatch(envelope, logger: log)
        } catch {
            let status = Self.status(for: error, logger: log)
            reply.code = status.code.rawValue
            reply.message = status.message
            reply.retryAfterMs = status.retryAfterMs
        }
        let ms = Double(monotonicNanoseconds() - start) / 1e6
        log.log(level: reply.code == 0 ? .debug : .info, "rpc", metadata: [
            "rpc.code": "\(StatusCode(wire: reply.code))", "duration.ms": "\(String(format: "%.2f", ms))",
        ])
        return reply.serializedBytes()
    }

    private func dispatch(_ envelope: RpcRequest, logger: Logger) throws -> [UInt8] {
        guard !envelope.method.isEmpty else { throw RPCError(.invalidArgument, "malformed envelope: method is empty") }
        let isHealth = envelope.method == HealthMethods.check || envelope.method == HealthMethods.info
        guard envelope.deadlineUnixMs > 0 else {
            throw RPCError(.invalidArgument, "deadline_unix_ms is required")
        }
        let deadline = Deadline(unixMilliseconds: envelope.deadlineUnixMs)
        if deadline.hasPassed {
            throw RPCError(.deadlineExceeded, "deadline passed \(-deadline.remainingMilliseconds) ms before the request was served")
        }
        if deadline.remainingMilliseconds > options.maxDeadlineMs {
            throw RPCError(.invalidArgument, "deadline is more than \(options.maxDeadlineMs / 1000) s away")
        }
        let (handler, state) = lock.withLock { (handlers[envelope.method], _state) }
        guard let handler else {
            throw RPCError(.unimplemented, "unknown method \(envelope.method) on \(serviceName)")
        }
        if !isHealth {
            switch state {
            case .serving: break
            case .notServing: throw RPCError(.unavailable, "\(serviceName) is not ready (loading)", retryAfterMs: 500)
            case .draining: throw RPCError(.unavailable, "\(serviceName) is shutting down")
            }
        }
        let flag = CancellationFlag()
        let key = ObjectIdentifier(flag)
        lock.withLock { inFlightFlags[key] = flag }
        defer {
            lock.withLock {
                inFlightFlags[key] = nil
                signalIdleIfWaiting()
            }
        }
        let context = RequestContext(method: envelope.method, requestId: envelope.requestId,
                                     deadline: deadline, logger: logger, cancellation: flag)
        if let delay = options.faultDelaysMs[envelope.method] {
            let until = nowUnixMilliseconds() + Int64(delay)
            while nowUnixMilliseconds() < until {
                try context.checkContinue("an injected delay")
                usleep(2_000)
            }
        }
        return try handler(envelope.payload, context)
    }

    /// The one place errors become statuses: RPCError and StatusConvertible keep their
    /// codes; anything else is INTERNAL with the detail logged, not sent.
    static func status(for error: Error, logger: Logger) -> RPCError {
        switch error {
        case let e as RPCError: return e
        case let e as StatusConvertible: return RPCError(e.statusCode, e.statusMessage)
        default:
            logger.error("internal error", metadata: ["error": "\(error)"])
            return RPCError(.internal, "internal error")
        }
    }
}
