import Foundation
import RPC
import Testing

@Suite struct ConfigAndAddressTests {
    let defaults = ServiceCatalog.textTokenizer.defaults

    @Test func flagsBeatServiceEnvironmentBeatsGeneralEnvironmentBeatsFile() throws {
        let file = NSTemporaryDirectory() + "/emu3-cfg-\(getpid()).json"
        try #"{"contexts": 3, "threads": 4, "log_level": "debug"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (c, src) = try ServiceConfig.resolve(
            service: "text-tokenizer", defaults: defaults, flags: ["threads": "8"],
            environment: ["EMU3_CONTEXTS": "5", "EMU3_TEXT_TOKENIZER_CONTEXTS": "6"], configFile: file)
        #expect(c.threads == 8 && src["threads"] == .flag)
        #expect(c.contexts == 6 && src["contexts"] == .environment)
        #expect(c.logLevel == "debug" && src["log_level"] == .file)
        #expect(c.recvMaxBytes == 1 << 20 && src["recv_max_bytes"] == .default)
    }

    @Test func badValuesNameTheKey() {
        #expect(throws: ConfigError.self) {
            try ServiceConfig.resolve(service: "x", defaults: defaults, flags: ["contexts": "lots"], environment: [:], configFile: nil)
        }
        do {
            _ = try ServiceConfig.resolve(service: "x", defaults: defaults, flags: ["log_level": "loud"], environment: [:], configFile: nil)
            Issue.record("accepted a bad log level")
        } catch {
            #expect("\(error)".contains("log_level"))
        }
    }

    @Test func onlyLoopbackTCPWithoutListenPublic() throws {
        try ListenAddress.prepare("tcp://127.0.0.1:7000", allowPublic: false)
        try ListenAddress.prepare("tcp://[::1]:7000", allowPublic: false)
        #expect(throws: ConfigError.self) { try ListenAddress.prepare("tcp://0.0.0.0:7000", allowPublic: false) }
        try ListenAddress.prepare("tcp://0.0.0.0:7000", allowPublic: true)
        #expect(throws: ConfigError.self) { try ListenAddress.prepare("http://x", allowPublic: true) }
    }

    @Test func ipcDirectoriesMustBePrivate() throws {
        let base = NSTemporaryDirectory() + "/emu3-ipc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: base) }
        try ListenAddress.prepare("ipc://\(base)/s.ipc", allowPublic: false)
        var st = stat()
        #expect(stat(base, &st) == 0 && st.st_mode & 0o777 == 0o700)
        chmod(base, 0o755)
        #expect(throws: ConfigError.self) { try ListenAddress.prepare("ipc://\(base)/s.ipc", allowPublic: false) }
    }

    @Test func deadlinesAndStatusCodes() throws {
        #expect(Deadline.afterMilliseconds(-1).hasPassed)
        #expect(!Deadline.afterMilliseconds(10_000).hasPassed)
        #expect(throws: RPCError.self) { try Deadline.afterMilliseconds(-5).check() }
        #expect(StatusCode(wire: 3) == .invalidArgument && StatusCode(wire: 99) == .unknown)
        #expect(StatusCode.allCases.map(\.rawValue) == Array(0...16))
        #expect(StatusCode.resourceExhausted.description == "RESOURCE_EXHAUSTED")
    }

    @Test func admissionGateRefusesBeyondItsLimit() throws {
        let gate = AdmissionGate(limit: 2, retryAfterMs: 25)
        try gate.acquire()
        try gate.acquire()
        do {
            try gate.acquire()
            Issue.record("a third request was admitted")
        } catch {
            #expect(error.code == .resourceExhausted && error.retryAfterMs == 25)
        }
        gate.release()
        try gate.acquire()
    }

    @Test func faultSpecParsing() {
        #expect(RPCServer.faultDelays(from: "/a/B:delay_ms=5;bad;/c/D:delay_ms=x;/e/F:delay_ms=7") == ["/a/B": 5, "/e/F": 7])
    }
}
