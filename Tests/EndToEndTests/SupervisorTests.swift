import Emu3Testing
import Foundation
import OrchestratorCore
import RPC
import Testing

/// `up` / `status` / `down` on real processes: the supervisor starts the four services,
/// restarts a killed one, and leaves nothing running after `down` (issue 7).
@Suite(.serialized) struct SupervisorTests {
    static let names = ServiceCatalog.services.map(\.name)

    @Test func upStatusKillRestartDownLeavesNothingRunning() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path, "--start-timeout", "60"])
        try #require(up.status == 0, "up: \(up.stderr)")
        #expect(up.stdout.contains("started: supervisor pid"))

        let first = try SupervisorHarness.status(dir)
        #expect(first.allServing, "\(first.services.map { "\($0.service) \($0.health) \($0.detail)" })")
        #expect(first.services.map(\.service) == Self.names.map { "emu3-" + $0 })
        let supervisor = try #require(first.supervisorPid)
        #expect(SupervisorHarness.isAlive(supervisor))
        for s in first.services {
            #expect(s.managed == true && s.restarts == 0 && s.state == "serving", "\(s)")
            #expect(s.url == "ipc://\(SupervisorHarness.canonical(dir.path))/\(s.service.dropFirst(5)).ipc")
            let pid = try #require(s.pid)
            #expect(SupervisorHarness.isAlive(pid) && SupervisorHarness.parent(of: pid) == supervisor, "\(s.service) pid \(pid)")
        }
        // The state file is valid JSON with the supervisor's pid and every service's pid.
        let state = try #require(try SupervisorState.read(runtimeDir: dir.path))
        #expect(state.supervisorPid == supervisor && state.phase == .running)
        #expect(Set(state.services.map(\.pid)) == Set(first.services.compactMap(\.pid)))

        // kill -9 the backbone: the supervisor starts a new one (restarts 1), SERVING again.
        // The bound is generous: while the rest of the suite loads both cores, a restarted
        // backbone once took over 20 s to answer (a full run on 2 cores, 2026-12-02).
        let victim = try #require(first.services.first { $0.service == "emu3-backbone" }?.pid)
        kill(victim, SIGKILL)
        let recovered: SupervisorStatusReport
        do {
            recovered = try SupervisorHarness.waitFor(dir, timeoutMs: 60_000) { report in
                guard let b = report.services.first(where: { $0.service == "emu3-backbone" }) else { return false }
                return b.isServing && b.restarts == 1 && b.pid != victim && (b.pid ?? 0) > 0
            }
        } catch {
            let log = (try? String(contentsOfFile: dir.path + "/backbone.log", encoding: .utf8)) ?? "(no backbone.log)"
            throw TestFailure("\(error)\nbackbone.log (last 3,000 characters):\n\(log.suffix(3000))")
        }
        let backbone = try #require(recovered.services.first { $0.service == "emu3-backbone" })
        #expect(backbone.lastExit?.contains("signal 9") == true, "\(backbone)")
        #expect(recovered.allServing)
        #expect(recovered.supervisorPid == supervisor)
        for s in recovered.services where s.service != "emu3-backbone" {
            #expect(s.restarts == 0 && s.pid == first.services.first { $0.service == s.service }?.pid)
        }
        let log = try String(contentsOfFile: dir.path + "/supervisor.log", encoding: .utf8)
        #expect(log.contains("emu3-backbone pid \(victim) killed by signal 9"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/backbone.log"))

        // down: everything gone, the state file removed, status now fails.
        let pids = [supervisor] + recovered.services.compactMap(\.pid)
        let down = try runTool("emu3-orchestrator", ["down", "--runtime-dir", dir.path])
        #expect(down.status == 0, "down: \(down.stderr)")
        #expect(down.stdout.contains("stopped: supervisor pid \(supervisor)"))
        for pid in pids { #expect(!SupervisorHarness.isAlive(pid), "pid \(pid) still running after down") }
        #expect(!FileManager.default.fileExists(atPath: SupervisorState.path(runtimeDir: dir.path)))
        let after = try runTool("emu3-orchestrator", ["status", "--runtime-dir", dir.path, "--timeout-ms", "300"])
        #expect(after.status == 1)
        #expect(after.stdout.contains("no supervisor is running"))
        #expect(after.stdout.contains("UNREACHABLE"))
        let again = try runTool("emu3-orchestrator", ["down", "--runtime-dir", dir.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing to stop"))
    }

    @Test func aServiceThatFailsToStartIsNamedWithItsLastLogLines() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        let bin = try SupervisorHarness.binDirectory(in: dir, failing: "backbone",
                                                     script: "echo 'loading weights' >&2; echo 'fatal: model.safetensors is truncated' >&2; exit 3")
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path + "/run"], environment: ["EMU3_BIN_DIR": bin])
        #expect(up.status == 1)
        #expect(up.stderr.contains("emu3-backbone exited with status 3 before it was ready"), "\(up.stderr)")
        #expect(up.stderr.contains("fatal: model.safetensors is truncated"))
        #expect(up.stderr.contains("\(SupervisorHarness.canonical(dir.path))/run/backbone.log"))
        #expect(!up.stderr.contains("Fatal error"))  // a message, not a crash
        // The services that had started were stopped again before `up` returned, and the
        // lock is free: no supervisor is left, and `up` could be run again at once.
        #expect(!SupervisorLock.isHeld(runtimeDir: dir.path + "/run"))
        let status = try SupervisorHarness.status(dir.path + "/run")
        #expect(status.supervisorPid == nil)
        #expect(status.services.allSatisfy { !$0.isServing })
        #expect(!FileManager.default.fileExists(atPath: SupervisorState.path(runtimeDir: dir.path + "/run")))
    }

    @Test func killingTheSupervisorStopsItsServices() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path, "--start-timeout", "60"])
        try #require(up.status == 0, "up: \(up.stderr)")
        let report = try SupervisorHarness.status(dir)
        let supervisor = try #require(report.supervisorPid)
        let services = report.services.compactMap(\.pid)
        #expect(services.count == 4)
        kill(supervisor, SIGKILL)
        // PR_SET_PDEATHSIG sends each service SIGTERM; they drain (nothing in flight) and exit.
        let until = nowUnixMilliseconds() + 15_000
        while services.contains(where: SupervisorHarness.isAlive) && nowUnixMilliseconds() < until { usleep(20_000) }
        for pid in services { #expect(!SupervisorHarness.isAlive(pid), "service pid \(pid) outlived its supervisor") }
        let down = try runTool("emu3-orchestrator", ["down", "--runtime-dir", dir.path])
        #expect(down.status == 0)
        #expect(down.stdout.contains("nothing to stop"))
        #expect(!FileManager.default.fileExists(atPath: SupervisorState.path(runtimeDir: dir.path)))
    }

    @Test func upTwiceSaysAlreadyRunningAndLeavesExternalServicesAlone() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        // An evaluator someone started by hand at the default address: `up` uses it.
        let external = try ServiceProcess(service: "evaluator", url: "ipc://\(dir.path)/evaluator.ipc")
        try external.waitUntilServing()
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path, "--start-timeout", "60"])
        try #require(up.status == 0, "up: \(up.stderr)")
        let report = try SupervisorHarness.status(dir)
        let evaluator = try #require(report.services.first { $0.service == "emu3-evaluator" })
        #expect(evaluator.managed == false && evaluator.isServing && evaluator.state == "external")
        #expect(report.services.filter { $0.managed == true }.count == 3)
        let twice = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path])
        #expect(twice.status == 0)
        #expect(twice.stdout.contains("already running: supervisor pid \(report.supervisorPid ?? -1)"))
        #expect(try runTool("emu3-orchestrator", ["down", "--runtime-dir", dir.path]).status == 0)
        #expect(external.process.isRunning, "down stopped a service it did not start")
        #expect(external.stop() == 0)
    }

    @Test func foregroundSupervisorStopsEverythingOnSIGTERMAndExitsZero() throws {
        let dir = try TemporaryDirectory()
        defer { SupervisorHarness.cleanUp(dir) }
        TestModels.exportToEnvironment()
        let p = Process()
        p.executableURL = ServiceProcess.executable("emu3-orchestrator")
        p.arguments = ["up", "--foreground", "--runtime-dir", dir.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // "running": the supervisor itself has seen every service serve (status probes may
        // see them serve a moment earlier).
        let report = try SupervisorHarness.waitFor(dir, timeoutMs: 30_000) { $0.allServing && $0.phase == "running" }
        #expect(report.supervisorPid == p.processIdentifier)
        let services = report.services.compactMap(\.pid)
        #expect(services.count == 4)
        kill(p.processIdentifier, SIGTERM)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(text.contains("serving; supervising in the foreground"))
        for pid in services { #expect(!SupervisorHarness.isAlive(pid), "pid \(pid) left running") }
    }

    @Test func restartBackoffDoublesToItsCapAndResetsAfterAHealthySpell() {
        var b = RestartBackoff.standard
        let delays = (0..<9).map { _ in b.delayAfterExit(servedMs: 1000) }
        #expect(delays == [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])
        #expect(b.delayAfterExit(servedMs: 60_000) == 500)
        #expect(b.delayAfterExit(servedMs: 0) == 1000)
    }

    @Test func readyLineCarriesTheTypedError() {
        let failure = SupervisorError.serviceExited(service: "emu3-backbone", status: "exited with status 3",
                                                    logTail: ["a", "b"], log: "/x/backbone.log")
        #expect(ReadyLine.decode(ReadyLine.encode(failure)) == failure)
        #expect(ReadyLine.encode(nil) == "READY\n")
        #expect(ReadyLine.decode("garbage") == nil)
    }
}

/// Helpers for the supervisor tests.
enum SupervisorHarness {
    static func status(_ dir: TemporaryDirectory) throws -> SupervisorStatusReport { try status(dir.path) }

    /// `emu3-orchestrator status --json` for `runtimeDir`, decoded.
    /// (Exit status 1, something not serving, still prints the report.)
    static func status(_ runtimeDir: String) throws -> SupervisorStatusReport {
        let out = try runTool("emu3-orchestrator", ["status", "--json", "--runtime-dir", runtimeDir, "--timeout-ms", "3000"])
        guard out.status == 0 || out.status == 1 else {
            throw TestFailure("status exited \(out.status): \(out.stderr)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SupervisorStatusReport.self, from: Data(out.stdout.utf8))
    }

    /// Polls `status` until `condition` holds.
    static func waitFor(_ dir: TemporaryDirectory, timeoutMs: Int64,
                        _ condition: (SupervisorStatusReport) -> Bool) throws -> SupervisorStatusReport {
        let until = nowUnixMilliseconds() + timeoutMs
        var last: SupervisorStatusReport?
        while nowUnixMilliseconds() < until {
            if FileManager.default.fileExists(atPath: SupervisorState.path(runtimeDir: dir.path)) {
                let report = try status(dir)
                if condition(report) { return report }
                last = report
            }
            usleep(100_000)
        }
        throw TestFailure("condition not met after \(timeoutMs) ms; last status: \(String(describing: last))")
    }

    /// `path` as the supervisor writes it (no "//").
    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// A live process (zombies count as gone: the container's init may not reap them).
    static func isAlive(_ pid: Int32) -> Bool { ProcessControl.isAlive(pid) }

    /// The parent pid from /proc/<pid>/stat.
    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// A bin folder with the real executables, except `failing`, which runs `script`.
    static func binDirectory(in dir: TemporaryDirectory, failing: String, script: String) throws -> String {
        let bin = dir.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for s in ServiceCatalog.services.map(\.processName) + ["emu3-orchestrator"] where s != "emu3-" + failing {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + s, withDestinationPath: ServiceProcess.executable(s).path)
        }
        let path = bin + "/emu3-" + failing
        try "#!/bin/sh\n\(script)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return bin
    }

    /// Stops whatever a failed test left running, then removes the folder.
    static func cleanUp(_ dir: TemporaryDirectory) {
        for runtime in [dir.path, dir.path + "/run"] { _ = try? Supervisor.stop(runtimeDir: runtime, timeoutMs: 20_000) }
        dir.remove()
    }
}
