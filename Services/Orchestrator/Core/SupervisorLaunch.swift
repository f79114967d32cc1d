import CSpawn
import Foundation
import RPC

extension Supervisor {
    /// Makes sure all four services answer Health SERVING at `endpoints`, starting the
    /// missing ones under a detached supervisor when needed: what `generate` and
    /// `understand` call so the first command works with nothing set up.
    ///
    /// - A no-op (one Health round trip per service) when all four already serve.
    /// - When a supervisor already manages `runtimeDir` (a service restarting after a
    ///   crash, or another command starting them right now), waits for it instead.
    /// - Otherwise starts a supervisor for the services that do not answer; a service
    ///   that does not answer at a non-local address is an error (`.notLocal`).
    ///
    /// - Parameters:
    ///   - endpoints: the service addresses (`Endpoints.resolve`).
    ///   - runtimeDir: the private runtime folder (default: `ListenAddress.runtimeDirectory()`).
    ///   - model: `--model DIR` for the services it starts (nil: their default).
    ///   - startTimeoutMs: how long starting (model loading included) may take.
    /// - Returns: `endpoints`, all serving.
    /// - Throws: `SupervisorError` naming the service that failed, with its last log lines.
    @discardableResult
    public static func ensureRunning(endpoints: Endpoints, runtimeDir: String? = nil, model: String? = nil,
                                     startTimeoutMs: Int64 = 300_000) throws(SupervisorError) -> Endpoints {
        let rows = probeAll(endpoints)
        if rows.allSatisfy(\.isServing) { return endpoints }
        let dir = try SupervisorConfiguration.prepareRuntimeDir(runtimeDir)
        if SupervisorLock.isHeld(runtimeDir: dir) {
            if (try? SupervisorState.read(runtimeDir: dir))??.phase == .stopping {
                // `down` is under way: let it finish, then start afresh.
                let until = monotonicMilliseconds() + 150_000
                while SupervisorLock.isHeld(runtimeDir: dir) && monotonicMilliseconds() < until { usleep(50_000) }
            } else {
                try waitUntilServing(endpoints, runtimeDir: dir, timeoutMs: startTimeoutMs)
                return endpoints
            }
        }
        let configuration = try plan(endpoints: endpoints, runtimeDir: dir, model: model, startTimeoutMs: startTimeoutMs,
                                     health: rows)
        do {
            try startDetached(configuration)
        } catch .alreadyRunning {
            // Another command started one at the same moment: use it.
            try waitUntilServing(endpoints, runtimeDir: dir, timeoutMs: startTimeoutMs)
        }
        return endpoints
    }

    /// The configuration that starts every local service not already serving.
    /// - Parameter health: a fresh `HealthProbe.probeAll(endpoints)` (probed when nil).
    /// - Throws: `.notLocal` for a service that is down at another host's address.
    public static func plan(endpoints: Endpoints, runtimeDir: String, model: String?, startTimeoutMs: Int64,
                            health: [ServiceHealth]? = nil, foreground: Bool = false,
                            backoff: RestartBackoff = .standard) throws(SupervisorError) -> SupervisorConfiguration {
        let rows = health ?? probeAll(endpoints)
        var managed: [String] = []
        for s in ServiceCatalog.services {
            let url = endpoints.url(s)
            if rows.first(where: { $0.service == s.processName })?.isServing == true { continue }
            guard Endpoints.isLocal(url) else { throw .notLocal(service: s.name, url: url) }
            managed.append(s.name)
        }
        return SupervisorConfiguration(runtimeDir: runtimeDir, endpoints: endpoints, managed: managed, model: model,
                                       startTimeoutMs: startTimeoutMs, backoff: backoff, foreground: foreground)
    }

    /// Starts `emu3-orchestrator supervise` detached (its own session, logging to
    /// `supervisor.log`) and returns once it reports every managed service SERVING.
    /// - Parameter executable: the orchestrator binary (default: `emu3-orchestrator` in the
    ///   configuration's bin folder).
    /// - Throws: the supervisor's own report (a service that exited, a timeout), or
    ///   `.supervisorDied` when it vanished without one.
    public static func startDetached(_ configuration: SupervisorConfiguration,
                                     executable: URL? = nil) throws(SupervisorError) {
        let executable = executable ?? configuration.binDirectory.appendingPathComponent("emu3-orchestrator")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw .executableNotFound(service: "emu3-orchestrator", path: executable.path)
        }
        var fds: [Int32] = [0, 0]
        guard emu3_pipe_cloexec(&fds) == 0 else { throw .spawnFailed(program: executable.path, reason: errnoText()) }
        let logFD: Int32
        do {
            logFD = try ProcessControl.openLog(configuration.supervisorLogPath)
        } catch {
            close(fds[0]); close(fds[1])
            throw error
        }
        var options = ProcessControl.SpawnOptions()
        options.outputFD = logFD
        options.extraFD = fds[1]
        options.newSession = true
        do {
            _ = try ProcessControl.spawn(executable.path, configuration.superviseArguments + ["--ready-fd", "3"],
                                           options: options)
        } catch {
            close(fds[0]); close(fds[1]); close(logFD)
            throw error
        }
        close(fds[1])
        close(logFD)
        defer { close(fds[0]) }
        // The supervisor writes one line and closes fd 3; EOF alone means it died.
        var report = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { report.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        let text = String(decoding: report, as: UTF8.self)
        if text.hasPrefix(ReadyLine.ready) { return }
        if text.hasPrefix(ReadyLine.error), let error = ReadyLine.decode(text) { throw error }
        let lastLines = ProcessControl.tail(configuration.supervisorLogPath, lines: 3)
        throw .supervisorDied(detail: lastLines.isEmpty ? "it wrote no report" : lastLines.joined(separator: " / "),
                              log: configuration.supervisorLogPath)
    }

    /// Health of all four: an ipc address with no socket file is UNREACHABLE at once (the
    /// common "nothing runs yet" case costs nothing); others get `timeoutMs`, which is
    /// generous because a busy machine must not make a running service look down.
    static func probeAll(_ endpoints: Endpoints, timeoutMs: Int64 = 3000) -> [ServiceHealth] {
        let absent = ServiceCatalog.services.filter { s in
            let url = endpoints.url(s)
            return url.hasPrefix("ipc://") && !FileManager.default.fileExists(atPath: String(url.dropFirst("ipc://".count)))
        }
        if absent.count == ServiceCatalog.services.count {
            return absent.map { ServiceHealth(service: $0.processName, url: endpoints.url($0), status: "UNREACHABLE",
                                              detail: "no socket file", latencyMs: 0) }
        }
        return HealthProbe.probeAll(endpoints, timeoutMs: timeoutMs)
    }

    /// Polls Health until all four serve at `endpoints`.
    /// - Throws: `.startTimedOut` naming the first service that still does not.
    public static func waitUntilServing(_ endpoints: Endpoints, runtimeDir: String, timeoutMs: Int64) throws(SupervisorError) {
        let until = monotonicMilliseconds() + timeoutMs
        while true {
            let rows = HealthProbe.probeAll(endpoints, timeoutMs: 2000)
            guard let down = rows.first(where: { !$0.isServing }) else { return }
            if monotonicMilliseconds() >= until {
                let name = down.service.hasPrefix("emu3-") ? String(down.service.dropFirst(5)) : down.service
                let log = runtimeDir + "/\(name).log"
                throw .startTimedOut(service: down.service, seconds: Double(timeoutMs) / 1000,
                                     lastHealth: "\(down.status) \(down.detail)", logTail: ProcessControl.tail(log), log: log)
            }
            usleep(100_000)
        }
    }
}

/// The one report a detached supervisor writes on its fd 3: "READY\n", or "ERROR " and
/// the JSON of a `SupervisorError`.
public enum ReadyLine {
    public static let ready = "READY"
    public static let error = "ERROR "

    public static func encode(_ failure: SupervisorError?) -> String {
        guard let failure else { return ready + "\n" }
        let json = (try? JSONEncoder().encode(failure)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return error + json + "\n"
    }

    public static func decode(_ line: String) -> SupervisorError? {
        guard line.hasPrefix(error) else { return nil }
        return try? JSONDecoder().decode(SupervisorError.self, from: Data(line.dropFirst(error.count).utf8))
    }
}
