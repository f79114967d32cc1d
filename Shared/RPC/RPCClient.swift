import CNNG
import Emu3Proto
import Foundation
import NNG

/// Settings of a client socket; all set explicitly (RELIABILITY.md §0, §6.3).
public struct ClientOptions: Sendable {
    /// `NNG_OPT_RECVMAXSZ` for replies.
    public var recvMaxBytes: Int = 64 << 20
    /// REQ resend time. `nil` turns resending off (`NNG_DURATION_INFINITE`): use that for
    /// long, non-idempotent calls (backbone generation) so a job never runs twice.
    public var resendTimeMs: Int32? = nil
    public var reconnectMinMs: Int32 = 100
    public var reconnectMaxMs: Int32 = 2000
    /// With no connection yet, how long a call waits for one before UNAVAILABLE
    /// (fail fast: NNG would otherwise queue the request until its deadline).
    public var connectWaitMs: Int64 = 500

    public init() {}

    /// Short idempotent calls (tokenizers, health): resend on after 5 s.
    public static var idempotent: ClientOptions { var o = ClientOptions(); o.resendTimeMs = 5000; return o }
    /// Long calls that must not be duplicated (generation): resend off.
    public static var longRunning: ClientOptions { ClientOptions() }
}

/// A REQ client for one service address. Thread-safe: each call opens its own context.
public final class RPCClient: @unchecked Sendable {
    public let url: String
    public let options: ClientOptions
    private let socket: Socket
    // protected by `lock`.
    private let lock = Lock()
    private var pipes = 0

    public init(url: String, options: ClientOptions = .idempotent) throws(RPCError) {
        self.url = url
        self.options = options
        do {
            socket = try Socket(.req)
            try socket.set(size: options.recvMaxBytes, for: NNG_OPT_RECVMAXSZ)
            try socket.set(milliseconds: options.resendTimeMs ?? Int32(NNG_DURATION_INFINITE), for: NNG_OPT_REQ_RESENDTIME)
            try socket.set(milliseconds: options.reconnectMinMs, for: NNG_OPT_RECONNMINT)
            try socket.set(milliseconds: options.reconnectMaxMs, for: NNG_OPT_RECONNMAXT)
            try socket.set(milliseconds: 30_000, for: NNG_OPT_SENDTIMEO)
            try socket.set(milliseconds: 30_000, for: NNG_OPT_RECVTIMEO)
        } catch {
            throw RPCError(.internal, "cannot open a REQ socket: \(error)")
        }
        do {
            try socket.onPipeEvent(.addPost) { [weak self] _ in self?.lock.withLock { self?.pipes += 1 }; return true }
            try socket.onPipeEvent(.removePost) { [weak self] _ in self?.lock.withLock { self?.pipes -= 1 }; return true }
            try socket.dial(url) { (d: Dialer) throws(NNGError) in
                try d.set(size: options.recvMaxBytes, for: NNG_OPT_RECVMAXSZ)
                if url.hasPrefix("tcp://") { try d.set(bool: true, for: NNG_OPT_TCP_KEEPALIVE) }
            }
        } catch {
            throw RPCError(.invalidArgument, "cannot dial \(url): \(error)")
        }
    }

    deinit { socket.close() }

    /// Connections currently open to the service (replicas behind the address).
    public var connectedPipes: Int { lock.withLock { pipes } }

    public func close() { socket.close() }

    // MARK: - Calls

    /// Calls `method` with a typed request and decodes the typed response.
    /// - Throws: `RPCError`: the service's status, or UNAVAILABLE (nobody listening,
    ///   connection lost), DEADLINE_EXCEEDED (no reply in time), INTERNAL (bad reply).
    public func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, deadline: Deadline,
        requestId: String = RPCClient.newRequestId(), as: Response.Type = Response.self
    ) throws(RPCError) -> Response {
        let payload = try callRaw(method, payload: request.serializedBytes(), deadline: deadline, requestId: requestId)
        do {
            return try Response(serializedBytes: payload)
        } catch {
            throw RPCError(.internal, "malformed \(Response.self) from \(url): \(error)")
        }
    }

    /// Sends one envelope and returns the reply payload (code 0) or throws its status.
    public func callRaw(_ method: String, payload: [UInt8], deadline: Deadline,
                        requestId: String = RPCClient.newRequestId()) throws(RPCError) -> [UInt8] {
        var envelope = RpcRequest()
        envelope.method = method
        envelope.requestId = requestId
        envelope.deadlineUnixMs = deadline.unixMilliseconds
        envelope.payload = payload
        let reply = try exchange(envelope.serializedBytes(), deadline: deadline)
        if reply.requestId != requestId && reply.code == 0 {
            throw RPCError(.internal, "reply for request \(reply.requestId) does not match \(requestId)")
        }
        guard reply.code == 0 else {
            throw RPCError(StatusCode(wire: reply.code), reply.message, retryAfterMs: reply.retryAfterMs)
        }
        return reply.payload
    }

    /// Sends raw bytes (which need not be a valid envelope: tests send garbage) and
    /// returns the decoded reply envelope.
    public func exchange(_ bytes: [UInt8], deadline: Deadline) throws(RPCError) -> RpcReply {
        try waitForConnection(deadline: deadline)
        let context: Context
        let aio: AsyncIO
        let message: Message
        do {
            context = try Context(socket)
            aio = try AsyncIO()
            message = try Message(bytes: bytes)
        } catch {
            throw RPCError(.internal, "cannot prepare a request: \(error)")
        }
        aio.setTimeout(milliseconds: try timeout(deadline))
        aio.setMessage(message)
        context.send(aio)
        aio.wait()
        if let error = aio.error {
            _ = aio.takeMessage()
            throw mapTransport(error, phase: "send")
        }
        aio.setTimeout(milliseconds: try timeout(deadline))
        context.receive(aio)
        aio.wait()
        if let error = aio.error { throw mapTransport(error, phase: "receive") }
        guard let replyMessage = aio.takeMessage() else { throw RPCError(.internal, "empty reply from \(url)") }
        do {
            return try RpcReply(serializedBytes: replyMessage.body)
        } catch {
            throw RPCError(.internal, "malformed reply envelope from \(url): \(error)")
        }
    }

    /// Asks `/emu3.v1.Health/Check` for the whole process (service "") or one service.
    public func healthCheck(service: String = "", deadline: Deadline) throws(RPCError) -> HealthCheckResponse {
        var request = HealthCheckRequest()
        request.service = service
        return try call(HealthMethods.check, request, deadline: deadline)
    }

    public func info(deadline: Deadline) throws(RPCError) -> InfoResponse {
        try call(HealthMethods.info, InfoRequest(), deadline: deadline)
    }

    /// A random 128-bit request id as 32 hex digits.
    public static func newRequestId() -> String {
        var g = SystemRandomNumberGenerator()
        return String(format: "%016llx%016llx", g.next() as UInt64, g.next() as UInt64)
    }

    // MARK: - Helpers

    private func waitForConnection(deadline: Deadline) throws(RPCError) {
        if connectedPipes > 0 { return }
        let waitUntil = min(deadline.unixMilliseconds, nowUnixMilliseconds() + options.connectWaitMs)
        while connectedPipes == 0 && nowUnixMilliseconds() < waitUntil { usleep(2000) }
        if connectedPipes > 0 { return }
        if deadline.hasPassed { throw RPCError(.deadlineExceeded, "deadline passed before \(url) answered") }
        throw RPCError(.unavailable, "no service is listening at \(url)")
    }

    private func timeout(_ deadline: Deadline) throws(RPCError) -> Int32 {
        let left = deadline.remainingMilliseconds
        if left <= 0 { throw RPCError(.deadlineExceeded, "deadline passed before the call to \(url) finished") }
        return Int32(clamping: left)
    }

    private func mapTransport(_ error: NNGError, phase: String) -> RPCError {
        switch error {
        case .timedOut:
            if connectedPipes == 0 { return RPCError(.unavailable, "lost the connection to \(url) (\(phase) timed out)") }
            return RPCError(.deadlineExceeded, "no reply from \(url) before the deadline")
        case .closed, .connectionRefused, .connectionReset, .connectionAborted, .unreachable:
            return RPCError(.unavailable, "connection to \(url) failed during \(phase): \(error)")
        case .messageTooLarge:
            return RPCError(.resourceExhausted, "message larger than the receive limit (\(phase))")
        default:
            return RPCError(.unavailable, "transport error talking to \(url) during \(phase): \(error)")
        }
    }
}
