import CNNG
import Foundation

/// A small mutex (Foundation's NSLock) with a scoped helper.
public final class Lock: @unchecked Sendable {
    // protected by: itself.
    private let lock = NSLock()

    public init() {}

    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// The libnng version string (e.g. "1.5.2").
public var nngVersion: String { String(cString: nng_version()) }
