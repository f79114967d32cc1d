import Foundation

/// A value a service loads once after it starts listening (a model, a vocabulary): handlers
/// are registered before it exists and answer UNAVAILABLE until it is set.
/// `@unchecked Sendable`: `value` is protected by `lock`.
public final class LoadedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?  // protected by lock
    private let loadingMessage: String

    /// - Parameter loadingMessage: the UNAVAILABLE message while nothing is loaded.
    public init(loadingMessage: String = "the model is still loading") {
        self.loadingMessage = loadingMessage
    }

    public func set(_ v: Value) {
        lock.lock()
        value = v
        lock.unlock()
    }

    /// The value, or UNAVAILABLE while it is loading.
    public func get() throws(RPCError) -> Value {
        lock.lock()
        defer { lock.unlock() }
        guard let value else { throw RPCError(.unavailable, loadingMessage) }
        return value
    }
}
