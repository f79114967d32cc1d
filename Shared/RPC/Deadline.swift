import Foundation

/// An absolute deadline in Unix milliseconds, as carried by `RpcRequest.deadline_unix_ms`.
public struct Deadline: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let unixMilliseconds: Int64

    public init(unixMilliseconds: Int64) { self.unixMilliseconds = unixMilliseconds }

    /// A deadline `timeout` from now.
    public static func after(_ timeout: Duration) -> Deadline {
        let (s, atto) = timeout.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        return Deadline(unixMilliseconds: nowUnixMilliseconds() + ms)
    }

    public static func afterMilliseconds(_ ms: Int64) -> Deadline {
        Deadline(unixMilliseconds: nowUnixMilliseconds() + ms)
    }

    /// Milliseconds left (negative once passed).
    public var remainingMilliseconds: Int64 { unixMilliseconds - nowUnixMilliseconds() }

    public var hasPassed: Bool { remainingMilliseconds <= 0 }

    /// Throws DEADLINE_EXCEEDED once the deadline has passed: call it between steps.
    public func check(_ what: @autoclosure () -> String = "request") throws(RPCError) {
        if hasPassed { throw RPCError(.deadlineExceeded, "deadline exceeded during \(what())") }
    }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.unixMilliseconds < b.unixMilliseconds }

    public var description: String { "deadline(\(remainingMilliseconds) ms left)" }
}

/// Wall-clock Unix time in milliseconds.
public func nowUnixMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Monotonic time in nanoseconds (for durations).
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
