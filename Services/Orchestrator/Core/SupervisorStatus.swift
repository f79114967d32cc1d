import Foundation
import RPC

/// What `emu3-orchestrator status` shows: the supervisor's state file joined with a fresh
/// Health/Info probe of each service.
public struct SupervisorStatusReport: Codable, Sendable, Equatable {
    /// One service: what it answers now, and what the supervisor knows of it.
    public struct Service: Codable, Sendable, Equatable {
        /// Process name, e.g. "emu3-backbone".
        public var service: String
        public var url: String
        /// Health now: SERVING, NOT_SERVING, UNKNOWN or UNREACHABLE.
        public var health: String
        /// Version, model and threads from Info, or the error.
        public var detail: String
        public var latencyMs: Double
        /// From the state file (nil without a supervisor).
        public var managed: Bool?
        public var pid: Int32?
        public var restarts: Int?
        public var state: String?
        public var startedAt: String?
        public var lastExit: String?
        public var log: String?

        public var isServing: Bool { health == "SERVING" }
    }

    public var runtimeDir: String
    /// The live supervisor's pid (nil when none runs).
    public var supervisorPid: Int32?
    public var phase: String?
    public var startedAt: String?
    public var services: [Service]

    /// Every service answers SERVING.
    public var allServing: Bool { services.allSatisfy(\.isServing) }
}

extension Supervisor {
    /// Reads the state file of `runtimeDir` (if a supervisor runs there) and probes each
    /// service: at the URLs the supervisor started them on, else at `endpoints`.
    public static func status(runtimeDir: String, endpoints: Endpoints,
                              timeoutMs: Int64 = 2000) throws(SupervisorError) -> SupervisorStatusReport {
        var state = try SupervisorState.read(runtimeDir: runtimeDir)
        if let s = state, !(SupervisorLock.isHeld(runtimeDir: runtimeDir) && ProcessControl.isAlive(s.supervisorPid)) {
            state = nil  // stale: left by a supervisor that is gone
        }
        let probed = HealthProbe.probeAll(state?.endpoints ?? endpoints, timeoutMs: timeoutMs)
        let services = probed.map { row -> SupervisorStatusReport.Service in
            let known = state?.services.first { "emu3-" + $0.name == row.service }
            return .init(service: row.service, url: row.url, health: row.status, detail: row.detail,
                         latencyMs: row.latencyMs, managed: known?.managed, pid: known.map(\.pid),
                         restarts: known?.restarts, state: known?.state, startedAt: known?.startedAt,
                         lastExit: known?.lastExit, log: known?.log)
        }
        return SupervisorStatusReport(runtimeDir: runtimeDir, supervisorPid: state?.supervisorPid,
                                      phase: state?.phase.rawValue, startedAt: state?.startedAt, services: services)
    }
}
