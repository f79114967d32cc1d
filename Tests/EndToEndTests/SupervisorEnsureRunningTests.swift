import Emu3Testing
import Foundation
import OrchestratorCore
import RPC
import Testing

/// `Supervisor.ensureRunning`, the call `generate` and `understand` make so the first
/// command works with nothing set up.
@Suite(.serialized) struct SupervisorEnsureRunningTests {
    static func endpoints(_ dir: TemporaryDirectory) throws -> Endpoints {
        try SupervisorConfiguration.endpoints(runtimeDir: SupervisorHarness.canonical(dir.path), flags: [:], configFile: nil,
                                              environment: [:])
    }

    @Test func startsTheServicesOnceThenIsANoOpAndWaitsForARestart() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        let endpoints = try Self.endpoints(dir)
        let returned = try Supervisor.ensureRunning(endpoints: endpoints, runtimeDir: dir.path, startTimeoutMs: 60_000)
        #expect(returned == endpoints)
        let state = try #require(try SupervisorState.read(runtimeDir: SupervisorHarness.canonical(dir.path)))
        #expect(state.services.allSatisfy { $0.managed && $0.pid > 0 && $0.state == "serving" })
        #expect(SupervisorHarness.isAlive(state.supervisorPid))
        // Detached by a double fork: not our child, so it can never become our zombie.
        #expect(SupervisorHarness.parent(of: state.supervisorPid) != getpid())
        for s in ServiceCatalog.services {
            let client = try RPCClient(url: endpoints.url(s))
            #expect(try client.healthCheck(deadline: .afterMilliseconds(3000)).status == .serving, "\(s.name)")
            client.close()
        }

        // Everything serves: nothing new is started.
        try Supervisor.ensureRunning(endpoints: endpoints, runtimeDir: dir.path)
        let same = try #require(try SupervisorState.read(runtimeDir: SupervisorHarness.canonical(dir.path)))
        #expect(same.supervisorPid == state.supervisorPid)
        #expect(same.services.map(\.pid) == state.services.map(\.pid))

        // A service just died: ensureRunning waits for the supervisor to bring it back.
        let victim = try #require(state.services.first { $0.name == "text-tokenizer" }).pid
        kill(victim, SIGKILL)
        while SupervisorHarness.isAlive(victim) { usleep(5_000) }
        try Supervisor.ensureRunning(endpoints: endpoints, runtimeDir: dir.path, startTimeoutMs: 30_000)
        let after = try #require(try SupervisorState.read(runtimeDir: SupervisorHarness.canonical(dir.path)))
        let restarted = try #require(after.services.first { $0.name == "text-tokenizer" })
        #expect(after.supervisorPid == state.supervisorPid)
        #expect(restarted.restarts == 1 && restarted.pid != victim)

        let report = try Supervisor.stop(runtimeDir: SupervisorHarness.canonical(dir.path))
        #expect(report.supervisorPid == state.supervisorPid)
        #expect(Set(report.stoppedServices) == Set(ServiceCatalog.services.map(\.name)))
        for pid in [state.supervisorPid] + after.services.map(\.pid) { #expect(!SupervisorHarness.isAlive(pid)) }
    }

    @Test func aServiceDownAtAnotherHostIsNotStartedHere() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        var endpoints = try Self.endpoints(dir)
        endpoints.urls["backbone"] = "tcp://192.0.2.1:7102"  // TEST-NET-1: never answers
        do {
            try Supervisor.ensureRunning(endpoints: endpoints, runtimeDir: dir.path)
            Issue.record("ensureRunning started services although the backbone is remote")
        } catch {
            #expect(error == .notLocal(service: "backbone", url: "tcp://192.0.2.1:7102"))
            #expect(error.description.contains("start it on its host"))
        }
        #expect(try SupervisorState.read(runtimeDir: SupervisorHarness.canonical(dir.path)) == nil)
    }

    @Test func aMissingServiceExecutableIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        let bin = dir.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/emu3-orchestrator",
                                                   withDestinationPath: ServiceProcess.executable("emu3-orchestrator").path)
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path + "/run"], environment: ["EMU3_BIN_DIR": bin])
        #expect(up.status == 1)
        #expect(up.stderr.contains("cannot start emu3-text-tokenizer: \(SupervisorHarness.canonical(bin))/emu3-text-tokenizer does not exist"),
                "\(up.stderr)")
        #expect(up.stderr.split(separator: "\n").count == 1)
    }
}
