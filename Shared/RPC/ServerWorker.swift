import NNG

/// One `nng_ctx` of a server, as an explicit state machine: receive → work → send → receive.
/// The aio callback only moves state and hands work to the server's queue.
final class ServerWorker: @unchecked Sendable {
    private enum State { case idle, receiving, working, sending, stopped }

    // protected by `lock` (state); `context` and `aio` are used by one phase at a time.
    private let lock = Lock()
    private var state: State = .idle
    private unowned let server: RPCServer
    private let context: Context
    private var aio: AsyncIO!

    init(server: RPCServer) throws(NNGError) {
        self.server = server
        context = try Context(server.socket)
        aio = try AsyncIO { [unowned self] _ in self.completed() }
    }

    func start() {
        lock.withLock { state = .receiving }
        context.receive(aio)
    }

    func stop() {
        lock.withLock { state = .stopped }
        aio.stop()
    }

    private func completed() {
        let phase = lock.withLock { state }
        switch phase {
        case .receiving:
            if let error = aio.error {
                if error == .closed || error == .canceled { lock.withLock { state = .stopped }; return }
                context.receive(aio)  // a transient receive error: wait for the next request
                return
            }
            guard let message = aio.takeMessage() else { context.receive(aio); return }
            server.replyOwed(+1)  // until the reply is handed to the transport (drain waits for it)
            lock.withLock { state = .working }
            server.workQueue.async { [self] in
                let reply = server.process(message.body)
                send(reply)
            }
        case .sending:
            if aio.error != nil { _ = aio.takeMessage() }  // frees the unsent reply
            server.replyOwed(-1)
            let stopped = lock.withLock { () -> Bool in
                if state == .stopped { return true }
                state = .receiving
                return false
            }
            if !stopped { context.receive(aio) }
        case .idle, .working, .stopped:
            return
        }
    }

    private func send(_ bytes: [UInt8]) {
        guard let message = try? Message(bytes: bytes) else {
            server.replyOwed(-1)
            lock.withLock { state = .receiving }
            context.receive(aio)
            return
        }
        let proceed = lock.withLock { () -> Bool in
            if state == .stopped { return false }
            state = .sending
            return true
        }
        guard proceed else { server.replyOwed(-1); return }
        aio.setMessage(message)
        context.send(aio)
    }
}

/// Methods every process serves.
public enum HealthMethods {
    public static let check = "/emu3.v1.Health/Check"
    public static let info = "/emu3.v1.Info/Get"
}
