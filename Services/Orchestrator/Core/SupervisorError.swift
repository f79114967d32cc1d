import Foundation

/// Why the supervisor (`up`, `down`, `Supervisor.ensureRunning`) could not do its job.
public enum SupervisorError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// A service executable is missing next to the orchestrator.
    case executableNotFound(service: String, path: String)
    /// fork/exec failed (errno text).
    case spawnFailed(program: String, reason: String)
    /// A service exited before it ever answered SERVING; `logTail` holds its last log lines.
    case serviceExited(service: String, status: String, logTail: [String], log: String)
    /// A service did not answer SERVING within the start timeout.
    case startTimedOut(service: String, seconds: Double, lastHealth: String, logTail: [String], log: String)
    /// A service that is not answering has an address we cannot start it on (another host).
    case notLocal(service: String, url: String)
    /// Another supervisor holds the runtime directory.
    case alreadyRunning(pid: Int32, runtimeDir: String)
    /// The detached supervisor exited without saying it was ready.
    case supervisorDied(detail: String, log: String)
    /// The runtime directory is unusable (not ours, open to others, cannot be created).
    case runtimeDirectory(String)
    /// The state file exists but cannot be read as JSON.
    case badStateFile(path: String, reason: String)
    /// `down` waited and something was still running.
    case stopTimedOut(pids: [Int32])

    public var description: String {
        func tail(_ lines: [String], _ log: String) -> String {
            lines.isEmpty ? " (log: \(log))" : "; last lines of \(log):\n" + lines.map { "  | " + $0 }.joined(separator: "\n")
        }
        switch self {
        case let .executableNotFound(service, path):
            return "cannot start \(service): \(path) does not exist (the service executables must sit next to emu3-orchestrator; set EMU3_BIN_DIR to look elsewhere)"
        case let .spawnFailed(program, reason):
            return "cannot start \(program): \(reason)"
        case let .serviceExited(service, status, logTail, log):
            return "\(service) \(status) before it was ready" + tail(logTail, log)
        case let .startTimedOut(service, seconds, lastHealth, logTail, log):
            return "\(service) was not serving after \(String(format: "%.0f", seconds)) s (last health: \(lastHealth))" + tail(logTail, log)
        case let .notLocal(service, url):
            return "\(service) is not answering at \(url), and that is not a local address: start it on its host, or give a local --\(service)-url"
        case let .alreadyRunning(pid, dir):
            return "a supervisor (pid \(pid)) already manages \(dir); run `emu3-orchestrator down` first or use another --runtime-dir"
        case let .supervisorDied(detail, log):
            return "the supervisor exited before the services were ready: \(detail) (see \(log))"
        case let .runtimeDirectory(reason):
            return "runtime directory: \(reason)"
        case let .badStateFile(path, reason):
            return "cannot read the supervisor state file \(path): \(reason)"
        case let .stopTimedOut(pids):
            return "still running after the stop timeout: pids \(pids.map(String.init).joined(separator: ", "))"
        }
    }
}
