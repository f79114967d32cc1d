import CSpawn
import Foundation
import RPC

/// Runs the services as child processes and keeps them running: the process behind
/// `emu3-orchestrator up`.
///
/// Single-threaded by design: `run` must be called on the main thread, which spawns every
/// child (a child's parent-death signal follows the thread that forked it), reaps them,
/// polls their health and handles SIGTERM/SIGINT/SIGHUP. Children get
/// `PR_SET_PDEATHSIG = SIGTERM`, so killing the supervisor, even with SIGKILL, stops them.
public final class Supervisor {
    public let configuration: SupervisorConfiguration
    private var children: [Child]
    private var phase: SupervisorState.Phase = .starting
    private let startedAt = isoNow()
    private var stateDirty = true
    /// How often the loop wakes (reaping, restarts, health polls of starting services).
    private let tickMs: Int64 = 50

    /// What `run` reports once: nil when every managed service is SERVING, else why not.
    public typealias ReadyHandler = (SupervisorError?) -> Void

    public init(configuration: SupervisorConfiguration) {
        self.configuration = configuration
        children = ServiceCatalog.services.map { s in
            Child(descriptor: s, url: configuration.endpoints.url(s), managed: configuration.managed.contains(s.name),
                  backoff: configuration.backoff, log: configuration.logPath(s.name))
        }
    }

    /// Starts the managed services, waits until they serve (calling `ready` once either
    /// way), then supervises until a stop signal. A failure is reported only after the
    /// started services are stopped, the state file is removed and the lock is released,
    /// so a caller that sees the error finds nothing running and can retry at once.
    /// Returns the exit status: 0 after a clean stop, 1 when the services could not be
    /// started, 2 when the runtime directory is taken or unusable.
    public func run(ready: ReadyHandler) -> Int32 {
        precondition(Thread.isMainThread, "Supervisor.run must run on the main thread (children's PDEATHSIG follows it)")
        emu3_install_stop_signals()
        var lock: SupervisorLock?
        do {
            let until = monotonicMilliseconds() + 500
            repeat {
                lock = try SupervisorLock(runtimeDir: configuration.runtimeDir)
                if lock == nil { usleep(10_000) }
            } while lock == nil && monotonicMilliseconds() < until
        } catch {
            ready(error)
            return 2
        }
        guard let lock else {
            let pid = (try? SupervisorState.read(runtimeDir: configuration.runtimeDir))??.supervisorPid ?? 0
            ready(.alreadyRunning(pid: pid, runtimeDir: configuration.runtimeDir))
            return 2
        }
        defer { withExtendedLifetime(lock) {} }
        note("supervisor \(getpid()) starting \(configuration.managed.joined(separator: ", ")) in \(configuration.runtimeDir)")
        let startDeadline = monotonicMilliseconds() + configuration.startTimeoutMs
        var reported = false
        for i in children.indices where children[i].managed {
            if let error = start(i) {
                stopAll()
                lock.release()
                ready(error)
                return 1
            }
        }
        while emu3_stop_signal() == 0 {
            reapExited()
            restartDue()
            pollStarting()
            if !reported {
                if let failure = startupFailure(deadline: startDeadline) {
                    note("start failed: \(failure)")
                    stopAll()
                    lock.release()
                    ready(failure)
                    return 1
                }
                if children.allSatisfy({ !$0.managed || $0.state == .serving }) {
                    phase = .running
                    stateDirty = true
                    reported = true
                    note("all services serving")
                    writeState()
                    ready(nil)
                }
            }
            writeState()
            sleepTick()
        }
        note("received signal \(emu3_stop_signal()); stopping the services")
        stopAll()
        lock.release()
        if !reported { ready(.supervisorDied(detail: "stopped by signal \(emu3_stop_signal()) while starting", log: configuration.supervisorLogPath)) }
        return 0
    }

    // MARK: - Starting and restarting

    /// Spawns child `i`; returns the error instead of throwing so `run` can clean up.
    private func start(_ i: Int) -> SupervisorError? {
        let name = children[i].descriptor.processName
        let path = configuration.binDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .executableNotFound(service: name, path: path)
        }
        var arguments = ["serve", "--listen", children[i].url]
        if let model = configuration.model { arguments += ["--model", model] }
        do {
            let fd = try ProcessControl.openLog(children[i].log)
            defer { close(fd) }
            let banner = "---- \(isoNow()) supervisor \(getpid()) starts \(name) \(arguments.joined(separator: " "))\n"
            _ = banner.withCString { write(fd, $0, strlen($0)) }
            children[i].logOffset = ProcessControl.fileSize(children[i].log)
            var options = ProcessControl.SpawnOptions()
            options.outputFD = fd
            options.parentDeathSignal = SIGTERM
            options.newProcessGroup = configuration.foreground
            let pid = try ProcessControl.spawn(path, arguments, options: options)
            children[i].began(pid: pid, client: Self.probeClient(children[i].url))
            note("started \(name) pid \(pid) on \(children[i].url)")
        } catch {
            return error
        }
        stateDirty = true
        return nil
    }

    private func restartDue() {
        let now = monotonicMilliseconds()
        for i in children.indices where children[i].state == .backoff && now >= children[i].restartAt {
            children[i].restarts += 1
            if let error = start(i) {
                note("restart of \(children[i].descriptor.processName) failed: \(error)")
                scheduleRestart(i, servedMs: 0)
            }
        }
    }

    private func scheduleRestart(_ i: Int, servedMs: Int64) {
        let delay = children[i].backoff.delayAfterExit(servedMs: servedMs)
        children[i].state = .backoff
        children[i].restartAt = monotonicMilliseconds() + delay
        stateDirty = true
        note("restarting \(children[i].descriptor.processName) in \(String(format: "%.1f", Double(delay) / 1000)) s")
    }

    // MARK: - Watching

    private func reapExited() {
        for i in children.indices where children[i].pid > 0 {
            guard let status = ProcessControl.reap(children[i].pid) else { continue }
            let served = children[i].servedMilliseconds
            let exit = ProcessControl.describe(status: status)
            note("\(children[i].descriptor.processName) pid \(children[i].pid) \(exit)"
                 + (served > 0 ? " after serving \(String(format: "%.1f", Double(served) / 1000)) s" : " before serving"))
            children[i].ended(exit: exit)
            stateDirty = true
            // During the first start an exit is a failure (reported by startupFailure);
            // afterwards it is a crash to recover from.
            if phase == .running { scheduleRestart(i, servedMs: served) }
        }
    }

    /// Asks Health of every child that is not yet SERVING, at most every 100 ms each, on
    /// the client opened when it started (it keeps dialling in the background, so a busy
    /// machine only delays the answer; each call may take up to 2 s).
    private func pollStarting() {
        let now = monotonicMilliseconds()
        for i in children.indices where children[i].state == .starting && now - children[i].lastPoll >= 100 {
            children[i].lastPoll = now
            guard let client = children[i].client else { continue }
            guard client.connectedPipes > 0 else {
                children[i].lastHealth = "not listening yet"
                continue
            }
            do {
                let status = try client.healthCheck(deadline: .afterMilliseconds(2000)).status
                children[i].lastHealth = status == .serving ? "SERVING" : (status == .notServing ? "NOT_SERVING" : "UNKNOWN")
            } catch {
                children[i].lastHealth = error.description
            }
            if children[i].lastHealth == "SERVING" {
                children[i].state = .serving
                children[i].servingSince = monotonicMilliseconds()
                stateDirty = true
                note("\(children[i].descriptor.processName) pid \(children[i].pid) serving")
            }
        }
    }

    private func startupFailure(deadline: Int64) -> SupervisorError? {
        for c in children where c.managed && c.state == .stopped {
            return .serviceExited(service: c.descriptor.processName, status: c.lastExit ?? "exited",
                                  logTail: ProcessControl.tail(c.log, from: c.logOffset), log: c.log)
        }
        if monotonicMilliseconds() >= deadline, let c = children.first(where: { $0.managed && $0.state != .serving }) {
            return .startTimedOut(service: c.descriptor.processName, seconds: Double(configuration.startTimeoutMs) / 1000,
                                  lastHealth: c.lastHealth, logTail: ProcessControl.tail(c.log, from: c.logOffset), log: c.log)
        }
        return nil
    }

    // MARK: - Stopping

    /// SIGTERM to every child, then waits for each to drain (its grace period plus a
    /// margin) before SIGKILL; removes the state file.
    private func stopAll() {
        phase = .stopping
        stateDirty = true
        writeState()
        let running = children.indices.filter { children[$0].pid > 0 }
        for i in running { kill(children[i].pid, SIGTERM) }
        let graceMs = running.map { Int64(children[$0].descriptor.defaults.graceSeconds * 1000) + 15_000 }.max() ?? 0
        let killAt = monotonicMilliseconds() + graceMs
        var killed = false
        while children.contains(where: { $0.pid > 0 }) {
            for i in children.indices where children[i].pid > 0 {
                guard let status = ProcessControl.reap(children[i].pid) else { continue }
                note("\(children[i].descriptor.processName) pid \(children[i].pid) \(ProcessControl.describe(status: status))")
                children[i].ended(exit: "stopped")
            }
            if !killed && monotonicMilliseconds() >= killAt {
                killed = true
                for c in children where c.pid > 0 {
                    note("\(c.descriptor.processName) pid \(c.pid) still running after \(graceMs / 1000) s; SIGKILL")
                    kill(c.pid, SIGKILL)
                }
            }
            usleep(10_000)
        }
        SupervisorState.remove(runtimeDir: configuration.runtimeDir)
        note("supervisor \(getpid()) stopped")
    }

    // MARK: - State and logging

    private func writeState() {
        guard stateDirty else { return }
        let state = SupervisorState(
            supervisorPid: getpid(), startedAt: startedAt, runtimeDir: configuration.runtimeDir,
            model: configuration.model, phase: phase,
            services: children.map { c in
                SupervisorState.Service(name: c.descriptor.name, url: c.url, managed: c.managed, pid: c.pid,
                                        restarts: c.restarts, state: c.managed ? c.state.rawValue : "external",
                                        startedAt: c.startedAt, lastExit: c.lastExit, log: c.managed ? c.log : nil)
            })
        do {
            try state.write()
            stateDirty = false
        } catch {
            note("cannot write the state file: \(error)")
        }
    }

    private func note(_ line: String) {
        FileHandle.standardError.write(Data("\(isoNow()) [supervisor] \(line)\n".utf8))
    }

    /// A Health client that dials in the background and fails fast while not connected.
    private static func probeClient(_ url: String) -> RPCClient? {
        var options = ClientOptions.idempotent
        options.connectWaitMs = 0
        options.reconnectMinMs = 50
        options.reconnectMaxMs = 500
        return try? RPCClient(url: url, options: options)
    }

    private func sleepTick() {
        // Interrupted early by a stop signal (the handler is installed without SA_RESTART).
        var ts = timespec(tv_sec: 0, tv_nsec: Int(tickMs) * 1_000_000)
        nanosleep(&ts, nil)
    }
}

/// One supervised service.
private struct Child {
    enum State: String { case starting, serving, backoff, stopped }

    let descriptor: ServiceDescriptor
    let url: String
    let managed: Bool
    var backoff: RestartBackoff
    let log: String
    var pid: pid_t = 0
    var state: State = .stopped
    var restarts = 0
    var startedAt: String?
    var lastExit: String?
    var lastHealth = "not asked yet"
    var lastPoll: Int64 = 0
    var servingSince: Int64?
    var restartAt: Int64 = 0
    /// Size of the log when the current process started (for its own last lines).
    var logOffset = 0
    /// Health client of the current process (nil when none runs).
    var client: RPCClient?

    init(descriptor: ServiceDescriptor, url: String, managed: Bool, backoff: RestartBackoff, log: String) {
        self.descriptor = descriptor
        self.url = url
        self.managed = managed
        self.backoff = backoff
        self.log = log
    }

    var servedMilliseconds: Int64 { servingSince.map { monotonicMilliseconds() - $0 } ?? 0 }

    mutating func began(pid: pid_t, client: RPCClient?) {
        self.pid = pid
        self.client = client
        state = .starting
        startedAt = isoNow()
        servingSince = nil
        lastPoll = 0
        lastHealth = "not asked yet"
    }

    mutating func ended(exit: String) {
        client?.close()
        client = nil
        pid = 0
        state = .stopped
        lastExit = exit
        servingSince = nil
    }
}
