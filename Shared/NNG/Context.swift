import CNNG

/// An `nng_ctx`: an independent protocol state on a shared socket, so one REP socket
/// serves many requests at once and one REQ socket carries many concurrent calls.
public final class Context: @unchecked Sendable {
    // protected by: libnng (contexts are safe to use from the owning state machine).
    public let handle: nng_ctx

    public init(_ socket: Socket) throws(NNGError) {
        var c = nng_ctx()
        try check(nng_ctx_open(&c, socket.handle))
        handle = c
    }

    deinit { nng_ctx_close(handle) }

    public func send(_ aio: AsyncIO) { nng_ctx_send(handle, aio.handle) }

    public func receive(_ aio: AsyncIO) { nng_ctx_recv(handle, aio.handle) }

    public func set(milliseconds: Int32, for option: String) throws(NNGError) {
        try check(nng_ctx_set_ms(handle, option, milliseconds))
    }
}
