import Emu3Proto
import Emu3Testing
import Foundation
import RPC
import Testing

/// Each executable is started as a real process on a private ipc:// address.
@Suite(.serialized) struct ServiceLifecycleTests {
    static let serviceNames = ["text-tokenizer", "vision-tokenizer", "backbone", "evaluator", "orchestrator"]

    @Test(arguments: serviceNames)
    func startsServesHealthAndInfoAndExitsZeroOnSIGTERM(service: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: service, url: dir.ipcURL(service))
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url)
        let health = try client.healthCheck(deadline: .afterMilliseconds(2000))
        #expect(health.status == .serving)
        let info = try client.info(deadline: .afterMilliseconds(2000))
        #expect(info.name == "emu3-\(service)")
        #expect(info.version == emu3Version)
        #expect(info.recvMaxBytes == Int64(ServiceCatalog.named(service)!.defaults.recvMaxBytes))
        #expect(info.methods.contains(HealthMethods.check))
        #expect(info.details.contains { $0.key == "libnng" && $0.value.hasPrefix("1.5") })
        client.close()
        #expect(p.stop(signal: SIGTERM) == 0)
    }

    @Test func healthOfAnUnknownServiceNameIsNotFound() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "evaluator", url: dir.ipcURL("ev"))
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url)
        #expect(throws: RPCError.self) { try client.healthCheck(service: "no-such-service", deadline: .afterMilliseconds(2000)) }
        do {
            _ = try client.healthCheck(service: "no-such-service", deadline: .afterMilliseconds(2000))
        } catch {
            #expect(error.code == .notFound)
        }
        #expect(p.stop() == 0)
    }

    @Test func sigtermFinishesInFlightWorkThenRefusesNewWork() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let method = Methods.Evaluator.dpoLoss
        let p = try ServiceProcess(service: "evaluator", url: dir.ipcURL("ev"),
                                   environment: ["EMU3_FAULTS": "\(method):delay_ms=3000"])
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        let result = ResultBox<DpoLossResponse>()
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            started.signal()
            result.set(Result { try client.call(method, Fixtures.dpoRequest(pairs: 3), deadline: .afterMilliseconds(10_000)) })
        }
        thread.start()
        started.wait()
        // Wait (not sleep) until the call is inside its injected delay: Info counts the
        // requests in flight, itself included.
        let probe = try RPCClient(url: p.url)
        func inFlight() throws -> Int {
            let details = try probe.info(deadline: .afterMilliseconds(1000)).details
            return Int(details.first { $0.key == "requests.in_flight" }?.value ?? "") ?? 0
        }
        let waitStart = nowUnixMilliseconds()
        while try inFlight() < 2 && nowUnixMilliseconds() - waitStart < 2000 { usleep(10_000) }
        try #require(try inFlight() >= 2, "the call never reached the service")
        kill(p.pid, SIGTERM)
        // Draining: Health answers NOT_SERVING (once the signal is handled) and new work is
        // refused with UNAVAILABLE.
        var status = try probe.healthCheck(deadline: .afterMilliseconds(1000)).status
        let signalled = nowUnixMilliseconds()
        while status == .serving && nowUnixMilliseconds() - signalled < 2000 {
            usleep(10_000)
            status = try probe.healthCheck(deadline: .afterMilliseconds(1000)).status
        }
        #expect(status == .notServing)
        do {
            let _: DpoLossResponse = try probe.call(method, Fixtures.dpoRequest(pairs: 1), deadline: .afterMilliseconds(1000))
            Issue.record("new work was accepted while draining")
        } catch {
            #expect(error.code == .unavailable)
        }
        let finished = try result.wait(timeoutMs: 10_000)
        #expect(finished.losses.count == 3)
        #expect(p.stop() == 0)
    }

    @Test func printConfigLayersFlagsOverEnvironmentOverFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.path + "/config.json"
        try #"{"evaluator": {"contexts": 7, "max_in_flight": 3, "threads": 2}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let out = try runTool("emu3-evaluator", ["serve", "--config", file, "--threads", "5", "--print-config"],
                              environment: ["EMU3_EVALUATOR_MAX_IN_FLIGHT": "9"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("\"contexts\" : 7"))
        #expect(out.stdout.contains("\"max_in_flight\" : 9"))
        #expect(out.stdout.contains("\"threads\" : 5"))
        #expect(out.stdout.contains("\"max_in_flight\": \"environment\""))
        #expect(out.stdout.contains("\"contexts\": \"file\""))
        #expect(out.stdout.contains("\"threads\": \"flag\""))
    }

    @Test func refusesPublicTCPWithoutListenPublic() throws {
        let out = try runTool("emu3-evaluator", ["serve", "--listen", "tcp://0.0.0.0:\(freeLoopbackPort())"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("only loopback"))
    }

    @Test func orchestratorHealthReportsEveryServiceAndFailsWhenOneIsDown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let names = ["text-tokenizer", "vision-tokenizer", "backbone", "evaluator"]
        var processes: [ServiceProcess] = []
        for n in names { processes.append(try ServiceProcess(service: n, url: dir.ipcURL(n))) }
        for p in processes { try p.waitUntilServing() }
        let env = Dictionary(uniqueKeysWithValues: names.map {
            ("EMU3_\($0.uppercased().replacingOccurrences(of: "-", with: "_"))_URL", dir.ipcURL($0))
        })
        let ok = try runTool("emu3-orchestrator", ["health", "--json"], environment: env)
        #expect(ok.status == 0)
        #expect(ok.stdout.components(separatedBy: "\"SERVING\"").count - 1 == 4)
        #expect(processes[2].stop() == 0)
        let down = try runTool("emu3-orchestrator", ["health", "--timeout-ms", "500"], environment: env)
        #expect(down.status == 1)
        #expect(down.stdout.contains("UNREACHABLE"))
        for p in processes { p.stop() }
    }
}

@Suite(.serialized) struct RestartTests {
    @Test func aKilledServiceRestartsOnTheSameIPCPathAndASecondListenerIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.ipcURL("ev")
        let first = try ServiceProcess(service: "evaluator", url: url)
        try first.waitUntilServing()
        // A second process on the same path must not hijack it.
        let second = try ServiceProcess(service: "evaluator", url: url)
        #expect(second.stop(signal: 0, timeoutMs: 5000) == 2)  // exits by itself: EADDRINUSE
        #expect(second.stderr.contains("cannot listen"))
        // SIGKILL leaves a stale socket file; a new process still starts (RELIABILITY.md I6).
        #expect(first.stop(signal: SIGKILL) != 0)
        let third = try ServiceProcess(service: "evaluator", url: url)
        try third.waitUntilServing()
        #expect(third.stop() == 0)
    }
}
