import CNNG

/// An owned `nng_msg`. Ownership passes to libnng when the message is sent
/// (`take()`), otherwise the message is freed in `deinit`.
public final class Message: @unchecked Sendable {
    // protected by: single owner; a Message is never shared between threads concurrently.
    private var handle: OpaquePointer?

    /// Copies `bytes` into a new message body.
    public init(bytes: [UInt8]) throws(NNGError) {
        var msg: OpaquePointer?
        try check(nng_msg_alloc(&msg, 0))
        if !bytes.isEmpty {
            let rv = bytes.withUnsafeBytes { nng_msg_append(msg, $0.baseAddress, $0.count) }
            if rv != 0 { nng_msg_free(msg); throw NNGError(rv) }
        }
        handle = msg
    }

    /// Adopts a message received from libnng.
    public init(adopting msg: OpaquePointer) { handle = msg }

    deinit { if let handle { nng_msg_free(handle) } }

    /// The body as bytes (a copy).
    public var body: [UInt8] {
        guard let handle else { return [] }
        let len = nng_msg_len(handle)
        guard len > 0, let base = nng_msg_body(handle) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: len))
    }

    public var count: Int { handle.map { nng_msg_len($0) } ?? 0 }

    /// Gives the raw message to libnng (after a successful hand-over the caller must not free it).
    func take() -> OpaquePointer? {
        defer { handle = nil }
        return handle
    }

    /// Takes the message back when libnng refused it (a failed send returns ownership).
    func restore(_ msg: OpaquePointer?) { handle = msg }
}
