import CNNG

/// An NNG socket (`nng_socket`) of one scalability protocol.
///
/// libnng's defaults are unsafe for services (RELIABILITY.md §0): no receive size limit,
/// infinite send/receive timeouts, REQ resend after 60 s. `Socket` never relies on them:
/// the RPC layer sets every one of those options explicitly.
public final class Socket: @unchecked Sendable {
    public enum ScalabilityProtocol: Sendable { case req, rep, pub, sub }

    // protected by: libnng (socket handles are thread-safe); `closed` guarded by `lock`.
    public let handle: nng_socket
    public let scalabilityProtocol: ScalabilityProtocol
    private let lock = Lock()
    private var closed = false
    private var pipeCallbacks: [PipeEventBox] = []

    public init(_ scalabilityProtocol: ScalabilityProtocol) throws(NNGError) {
        var s = nng_socket()
        switch scalabilityProtocol {
        case .req: try check(nng_req0_open(&s))
        case .rep: try check(nng_rep0_open(&s))
        case .pub: try check(nng_pub0_open(&s))
        case .sub: try check(nng_sub0_open(&s))
        }
        handle = s
        self.scalabilityProtocol = scalabilityProtocol
    }

    deinit { close() }

    /// Closes the socket: pending operations finish with `.closed`. Idempotent.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        if first { nng_close(handle) }
    }

    // MARK: - Options

    public func set(milliseconds: Int32, for option: String) throws(NNGError) {
        try check(nng_socket_set_ms(handle, option, milliseconds))
    }

    public func set(size: Int, for option: String) throws(NNGError) {
        try check(nng_socket_set_size(handle, option, size))
    }

    public func set(int: Int32, for option: String) throws(NNGError) {
        try check(nng_socket_set_int(handle, option, int))
    }

    public func set(bool: Bool, for option: String) throws(NNGError) {
        try check(nng_socket_set_bool(handle, option, bool))
    }

    public func size(for option: String) throws(NNGError) -> Int {
        var v = 0
        try check(nng_socket_get_size(handle, option, &v))
        return v
    }

    public func milliseconds(for option: String) throws(NNGError) -> Int32 {
        var v: nng_duration = 0
        try check(nng_socket_get_ms(handle, option, &v))
        return v
    }

    // MARK: - Endpoints

    /// Creates, configures and starts a listener. `configure` runs before the listener
    /// starts: options such as `NNG_OPT_IPC_PERMISSIONS` only work then (RELIABILITY.md §0.8).
    @discardableResult
    public func listen(_ url: String, configure: (Listener) throws(NNGError) -> Void = { _ in }) throws(NNGError) -> Listener {
        var l = nng_listener()
        try check(nng_listener_create(&l, handle, url))
        let listener = Listener(handle: l)
        do {
            try configure(listener)
            try check(nng_listener_start(l, 0))
        } catch {
            nng_listener_close(l)
            throw error
        }
        return listener
    }

    /// Creates, configures and starts a dialer. Non-blocking: the dialer keeps
    /// reconnecting in the background (between `NNG_OPT_RECONNMINT` and `...MAXT`).
    @discardableResult
    public func dial(_ url: String, configure: (Dialer) throws(NNGError) -> Void = { _ in }) throws(NNGError) -> Dialer {
        var d = nng_dialer()
        try check(nng_dialer_create(&d, handle, url))
        let dialer = Dialer(handle: d)
        do {
            try configure(dialer)
            try check(nng_dialer_start(d, Int32(NNG_FLAG_NONBLOCK)))
        } catch {
            nng_dialer_close(d)
            throw error
        }
        return dialer
    }

    // MARK: - Pipe events

    /// Registers `handler` for a pipe event. For `.addPre` the handler may return `false`
    /// to refuse the connection (the pipe is closed before the socket sees it).
    /// Handlers run on libnng's threads and must be quick.
    public func onPipeEvent(_ event: PipeEvent, _ handler: @escaping @Sendable (Pipe) -> Bool) throws(NNGError) {
        let box = PipeEventBox(handler)
        lock.withLock { pipeCallbacks.append(box) }
        try check(nng_pipe_notify(handle, event.raw, { pipe, _, arg in
            guard let arg else { return }
            let box = Unmanaged<PipeEventBox>.fromOpaque(arg).takeUnretainedValue()
            if !box.handler(Pipe(handle: pipe)) { nng_pipe_close(pipe) }
        }, Unmanaged.passUnretained(box).toOpaque()))
    }
}

public enum PipeEvent: Sendable {
    case addPre, addPost, removePost
    var raw: nng_pipe_ev {
        switch self {
        case .addPre: NNG_PIPE_EV_ADD_PRE
        case .addPost: NNG_PIPE_EV_ADD_POST
        case .removePost: NNG_PIPE_EV_REM_POST
        }
    }
}

/// A connection of a socket.
public struct Pipe: Sendable {
    public let handle: nng_pipe

    public var id: Int32 { nng_pipe_id(handle) }

    /// The peer's user id on an `ipc://` connection (nil on other transports).
    public var peerUID: UInt64? {
        var v: UInt64 = 0
        return nng_pipe_get_uint64(handle, NNG_OPT_IPC_PEER_UID, &v) == 0 ? v : nil
    }
}

final class PipeEventBox: Sendable {
    let handler: @Sendable (Pipe) -> Bool
    init(_ handler: @escaping @Sendable (Pipe) -> Bool) { self.handler = handler }
}

/// A listening endpoint.
public struct Listener: Sendable {
    public let handle: nng_listener

    public func set(size: Int, for option: String) throws(NNGError) {
        try check(nng_listener_set_size(handle, option, size))
    }

    public func set(int: Int32, for option: String) throws(NNGError) {
        try check(nng_listener_set_int(handle, option, int))
    }

    public func set(bool: Bool, for option: String) throws(NNGError) {
        try check(nng_listener_set_bool(handle, option, bool))
    }

    public func size(for option: String) throws(NNGError) -> Int {
        var v = 0
        try check(nng_listener_get_size(handle, option, &v))
        return v
    }

    public func close() { nng_listener_close(handle) }
}

/// A dialing endpoint.
public struct Dialer: Sendable {
    public let handle: nng_dialer

    public func set(size: Int, for option: String) throws(NNGError) {
        try check(nng_dialer_set_size(handle, option, size))
    }

    public func set(milliseconds: Int32, for option: String) throws(NNGError) {
        try check(nng_dialer_set_ms(handle, option, milliseconds))
    }

    public func set(bool: Bool, for option: String) throws(NNGError) {
        try check(nng_dialer_set_bool(handle, option, bool))
    }

    public func close() { nng_dialer_close(handle) }
}
