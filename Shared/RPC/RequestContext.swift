import NNG
import Logging

/// What a handler knows about the call it serves.
public struct RequestContext: Sendable {
    public let method: String
    public let requestId: String
    public let deadline: Deadline
    public let logger: Logger
    /// Set when the server gives up on in-flight work (drain grace period over) or when a
    /// service cancels the request; long handlers check it between steps.
    public let cancellation: CancellationFlag

    public init(method: String, requestId: String, deadline: Deadline, logger: Logger,
                cancellation: CancellationFlag = CancellationFlag()) {
        self.method = method
        self.requestId = requestId
        self.deadline = deadline
        self.logger = logger
        self.cancellation = cancellation
    }

    /// Throws DEADLINE_EXCEEDED or the cancellation's status; call between units of work.
    public func checkContinue(_ what: @autoclosure () -> String = "request") throws(RPCError) {
        if let reason = cancellation.reason { throw reason }
        try deadline.check(what())
    }
}

/// A thread-safe, one-way flag carrying why work was stopped.
public final class CancellationFlag: @unchecked Sendable {
    // protected by `lock`.
    private let lock = Lock()
    private var _reason: RPCError?

    public init() {}

    public var reason: RPCError? { lock.withLock { _reason } }
    public var isCancelled: Bool { reason != nil }

    /// Sets the reason once; later calls keep the first reason.
    public func cancel(_ reason: RPCError = RPCError(.cancelled, "cancelled")) {
        lock.withLock { if _reason == nil { _reason = reason } }
    }
}

/// Admission control: at most `limit` requests at once through this gate; the rest are
/// refused at once with RESOURCE_EXHAUSTED and `retry_after_ms` (RELIABILITY.md §0.3: NNG
/// spreads load round-robin and ignores it, so each replica must refuse when full).
public final class AdmissionGate: @unchecked Sendable {
    // protected by `lock`.
    private let lock = Lock()
    private var active = 0
    public let limit: Int
    public let retryAfterMs: Int64

    public init(limit: Int, retryAfterMs: Int64 = 100) {
        precondition(limit >= 1, "admission limit must be at least 1")
        self.limit = limit
        self.retryAfterMs = retryAfterMs
    }

    public var inUse: Int { lock.withLock { active } }

    /// Takes a slot or throws RESOURCE_EXHAUSTED.
    public func acquire() throws(RPCError) {
        let ok = lock.withLock { () -> Bool in
            guard active < limit else { return false }
            active += 1
            return true
        }
        if !ok {
            throw RPCError(.resourceExhausted, "busy: \(limit) request(s) already running; retry later",
                           retryAfterMs: retryAfterMs)
        }
    }

    public func release() { lock.withLock { active -= 1 } }
}
