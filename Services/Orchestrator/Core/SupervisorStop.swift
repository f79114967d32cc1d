import Foundation
import RPC

/// What `Supervisor.stop` did.
public struct StopReport: Sendable, Equatable {
    /// The supervisor that was asked to stop (nil when none was running).
    public var supervisorPid: Int32?
    /// Service processes that were running and are now gone.
    public var stoppedServices: [String]
    /// Services left behind by a supervisor that died, stopped directly.
    public var orphansStopped: [String]

    /// Whether there was anything to stop.
    public var stoppedAnything: Bool { supervisorPid != nil || !orphansStopped.isEmpty }
}

extension Supervisor {
    /// Stops the supervisor of `runtimeDir` and its services (SIGTERM, then it drains them)
    /// and waits until every process is gone. Service processes of a supervisor that died
    /// are stopped directly, after checking each pid still runs that service's program.
    /// - Throws: `.stopTimedOut` with the pids still alive after `timeoutMs` (they are then
    ///   sent SIGKILL), `.badStateFile`.
    public static func stop(runtimeDir: String, timeoutMs: Int64 = 120_000) throws(SupervisorError) -> StopReport {
        var report = StopReport(supervisorPid: nil, stoppedServices: [], orphansStopped: [])
        var state = try SupervisorState.read(runtimeDir: runtimeDir)
        if SupervisorLock.isHeld(runtimeDir: runtimeDir) {
            // A supervisor that is just starting may not have written its state yet.
            let until = monotonicMilliseconds() + 2000
            while state == nil && monotonicMilliseconds() < until {
                usleep(20_000)
                state = try SupervisorState.read(runtimeDir: runtimeDir)
            }
            guard let state, ProcessControl.isRunning(state.supervisorPid, program: "emu3-orchestrator") else {
                throw .badStateFile(path: SupervisorState.path(runtimeDir: runtimeDir),
                                    reason: "a supervisor holds the lock but the state file does not name it")
            }
            let services = running(state)
            kill(state.supervisorPid, SIGTERM)
            let left = ProcessControl.waitGone([state.supervisorPid] + services.map(\.pid), timeoutMs: timeoutMs)
            if !left.isEmpty {
                for pid in left { kill(pid, SIGKILL) }
                _ = ProcessControl.waitGone(left, timeoutMs: 5000)
                throw .stopTimedOut(pids: left)
            }
            report.supervisorPid = state.supervisorPid
            report.stoppedServices = services.map(\.name)
            return report
        }
        // No supervisor: stop what a dead one may have left, then drop its stale state.
        if let state {
            let orphans = running(state)
            for s in orphans { kill(s.pid, SIGTERM) }
            let left = ProcessControl.waitGone(orphans.map(\.pid), timeoutMs: timeoutMs)
            for pid in left { kill(pid, SIGKILL) }
            SupervisorState.remove(runtimeDir: runtimeDir)
            if !left.isEmpty { throw .stopTimedOut(pids: left) }
            report.orphansStopped = orphans.map(\.name)
        }
        return report
    }

    /// The managed services of `state` whose pid still runs their program.
    static func running(_ state: SupervisorState) -> [SupervisorState.Service] {
        state.services.filter { $0.managed && $0.pid > 0 && ProcessControl.isRunning($0.pid, program: "emu3-" + $0.name) }
    }
}
