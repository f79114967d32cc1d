/// When to restart a crashed service: exponential back-off, reset after a healthy spell.
/// Pure value type: the supervisor feeds it exits and reads delays.
public struct RestartBackoff: Sendable, Equatable {
    /// The first delay after a crash.
    public var initialMs: Int64
    /// The delay never grows past this.
    public var maxMs: Int64
    /// A service that served this long before crashing starts again from `initialMs`.
    public var resetAfterMs: Int64
    /// The delay the next crash will get (before any reset).
    public private(set) var nextMs: Int64

    /// 0.5 s doubling to 30 s, reset after 60 s of serving.
    public static let standard = RestartBackoff(initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000)

    public init(initialMs: Int64, maxMs: Int64, resetAfterMs: Int64) {
        precondition(initialMs > 0 && maxMs >= initialMs && resetAfterMs >= 0, "invalid back-off")
        self.initialMs = initialMs
        self.maxMs = maxMs
        self.resetAfterMs = resetAfterMs
        nextMs = initialMs
    }

    /// Records a crash of a service that had been serving for `servedMs` (0 if it never
    /// served) and returns how long to wait before starting it again.
    public mutating func delayAfterExit(servedMs: Int64) -> Int64 {
        if servedMs >= resetAfterMs { nextMs = initialMs }
        let delay = nextMs
        nextMs = min(nextMs * 2, maxMs)
        return delay
    }
}
