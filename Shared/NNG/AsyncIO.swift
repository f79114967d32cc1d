import CNNG

/// An `nng_aio`: one asynchronous operation at a time, with a timeout.
///
/// With a `callback`, libnng calls it on one of its own threads when the operation
/// finishes; the callback must only hand the result over (no blocking work there).
/// Without one, `wait()` blocks the calling thread until completion.
public final class AsyncIO: @unchecked Sendable {
    // protected by: set once in init before any operation; libnng serialises completions.
    private(set) var handle: OpaquePointer!
    private let callback: (@Sendable (AsyncIO) -> Void)?

    public init(callback: (@Sendable (AsyncIO) -> Void)? = nil) throws(NNGError) {
        self.callback = callback
        var aio: OpaquePointer?
        if callback == nil {
            try check(nng_aio_alloc(&aio, nil, nil))
        } else {
            // The aio gets an unretained pointer to self: the owner keeps self alive, and
            // `deinit` stops the aio (waiting for a running callback) before freeing it.
            try check(nng_aio_alloc(&aio, { arg in
                guard let arg else { return }
                let me = Unmanaged<AsyncIO>.fromOpaque(arg).takeUnretainedValue()
                me.callback?(me)
            }, Unmanaged.passUnretained(self).toOpaque()))
        }
        handle = aio
    }
    deinit {
        nng_aio_stop(handle)
        nng_aio_free(handle)
    }

    /// Sets the timeout of the next operation (`nil` = the socket's default; libnng's
    /// default is forever, so callers always set one: RELIABILITY.md §0.4).
    public func setTimeout(milliseconds: Int32?) {
        nng_aio_set_timeout(handle, milliseconds ?? Int32(NNG_DURATION_DEFAULT))
    }

    /// The result of the finished operation: `nil` on success.
    public var error: NNGError? {
        let rv = Int32(nng_aio_result(handle))
        return rv == 0 ? nil : NNGError(rv)
    }

    /// Blocks until the current operation completes.
    public func wait() { nng_aio_wait(handle) }

    /// Cancels the current operation (it completes with `.canceled`).
    public func cancel() { nng_aio_cancel(handle) }

    /// Stops the aio: cancels and waits for any callback to return.
    public func stop() { nng_aio_stop(handle) }

    /// Attaches a message to send; ownership moves to the aio.
    public func setMessage(_ message: Message) {
        nng_aio_set_msg(handle, message.take())
    }

    /// Takes the received message (or a message a failed send left behind).
    public func takeMessage() -> Message? {
        guard let msg = nng_aio_get_msg(handle) else { return nil }
        nng_aio_set_msg(handle, nil)
        return Message(adopting: msg)
    }
}
