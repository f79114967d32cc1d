import Emu3Testing
import Foundation
import OrchestratorCore
import RPC
import Testing

/// The client bindings in clients/python and clients/c, run against real services.
/// The Python tests need a python3 with pynng and protobuf (`EMU3_PYTHON`, else the repo's
/// tools/.venv, else python3 on PATH); CI has no Python requirement, so they are skipped
/// with a message when none is found.
@Suite(.serialized) struct ClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = PythonClient.find(root: root)

    @Test(.enabled(if: python != nil, "no python3 with pynng and protobuf (set EMU3_PYTHON or pip install pynng protobuf)"))
    func pythonClientPassesItsEnvelopeAndHealthTestsAgainstARealService() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "evaluator", url: dir.ipcURL("ev"))
        try p.waitUntilServing()
        let out = try PythonClient.run(Self.python!, root: Self.root, ["clients/python/test_emu3_client.py", "EnvelopeAndHealthTests"],
                                       environment: ["EMU3_TEST_URL": p.url, "EMU3_TEST_NAME": "emu3-evaluator",
                                                     "EMU3_TEST_DOWN_URL": dir.ipcURL("nobody")])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("Ran 8 tests"), "\(out.stderr)")
        #expect(!out.stderr.contains("skipped"), "\(out.stderr)")
        #expect(p.stop() == 0)
    }

    @Test func pythonGeneratedModulesMatchTheProtoFiles() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/protoc") else {
            try Test.cancel("protoc not installed (apt-get install protobuf-compiler)")
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let gen = try runProcess(Self.root.appendingPathComponent("clients/python/gen_proto.sh").path, [dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        let committed = Self.root.appendingPathComponent("clients/python/emu3/v1").path
        let fresh = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/emu3/v1").sorted()
        #expect(fresh == (try FileManager.default.contentsOfDirectory(atPath: committed).filter { !$0.hasPrefix("__pycache__") }.sorted()),
                "clients/python/emu3/v1 is stale: run clients/python/gen_proto.sh")
        for f in fresh {
            let a = FileManager.default.contents(atPath: dir.path + "/emu3/v1/" + f)
            let b = FileManager.default.contents(atPath: committed + "/" + f)
            #expect(a == b, "clients/python/emu3/v1/\(f) is stale: run clients/python/gen_proto.sh")
        }
    }

    @Test func cClientLibraryAndExampleTalkToARealService() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let client = try CClient.build(root: Self.root, into: dir)
        let p = try ServiceProcess(service: "text-tokenizer", url: dir.ipcURL("tt"))
        try p.waitUntilServing()

        let health = try runProcess(client, ["health", p.url])
        #expect(health.status == 0 && health.stdout == "SERVING\n", "\(health)")
        let info = try runProcess(client, ["info", p.url])
        #expect(info.status == 0)
        #expect(info.stdout.contains("name emu3-text-tokenizer\n"))
        #expect(info.stdout.contains("method /emu3.v1.Health/Check\n"))
        let unknown = try runProcess(client, ["call", p.url, "/emu3.v1.Nope/Missing"])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("UNIMPLEMENTED: unknown method /emu3.v1.Nope/Missing"), "\(unknown.stderr)")
        let start = nowUnixMilliseconds()
        let down = try runProcess(client, ["health", dir.ipcURL("nobody"), "--timeout-ms", "3000"])
        #expect(down.status == 3)
        #expect(down.stderr.contains("UNAVAILABLE: no service is listening"), "\(down.stderr)")
        #expect(nowUnixMilliseconds() - start < 2500, "UNAVAILABLE took \(nowUnixMilliseconds() - start) ms")
        let usage = try runProcess(client, ["frobnicate", p.url])
        #expect(usage.status == 2 && usage.stderr.contains("usage:"))
        #expect(p.stop() == 0)
    }

    /// generate and understand over the wire, from both clients, through
    /// `emu3-orchestrator serve` with the four services under `up`. Cancelled (with the
    /// reason) while the orchestrator does not serve the pipeline methods.
    @Test func bothClientsRunThePipelinesThroughTheOrchestrator() throws {
        let dir = try TemporaryDirectory()
        defer {
            _ = try? Supervisor.stop(runtimeDir: dir.path, timeoutMs: 30_000)
            dir.remove()
        }
        // The embedded emu3-tiny: one coherent model for all four services (the per-service
        // test fixtures are separate random models that do not share a vocabulary).
        let up = try runTool("emu3-orchestrator", ["up", "--runtime-dir", dir.path, "--model", TestModels.embedded, "--start-timeout", "120"])
        try #require(up.status == 0, "up: \(up.stderr)")
        let orchestrator = try ServiceProcess(service: "orchestrator", url: dir.ipcURL("orchestrator"),
                                              environment: ["EMU3_RUNTIME_DIR": dir.path])
        defer { orchestrator.stop() }
        try orchestrator.waitUntilServing(timeoutMs: 60_000)
        let methods = try RPCClient(url: orchestrator.url).info(deadline: .afterMilliseconds(5000)).methods
        guard methods.contains(PythonClient.generateMethod) && methods.contains(PythonClient.understandMethod) else {
            try Test.cancel("the orchestrator does not serve \(PythonClient.generateMethod) yet (methods: \(methods))")
        }
        let client = try CClient.build(root: Self.root, into: dir)
        let png = dir.path + "/c.png"
        let generated = try runProcess(client, ["generate", orchestrator.url, "a red circle", "-o", png, "--seed", "7"],
                                       timeoutMs: 600_000)
        #expect(generated.status == 0, "\(generated.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        let answer = try runProcess(client, ["understand", orchestrator.url, png, "What is in the picture?", "--max-tokens", "8"],
                                    timeoutMs: 600_000)
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(!answer.stdout.isEmpty)
        if let python = Self.python {
            let out = try PythonClient.run(python, root: Self.root, ["clients/python/test_emu3_client.py", "PipelineTests"],
                                           environment: ["EMU3_TEST_ORCHESTRATOR_URL": orchestrator.url])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(!out.stderr.contains("skipped"), "\(out.stderr)")
        }
    }
}

/// Finds and runs a python3 that has pynng and protobuf.
enum PythonClient {
    static let generateMethod = "/emu3.v1.Orchestrator/GenerateImage"
    static let understandMethod = "/emu3.v1.Orchestrator/Understand"

    static func find(root: URL) -> String? {
        var candidates: [String] = []
        if let e = ProcessInfo.processInfo.environment["EMU3_PYTHON"], !e.isEmpty { candidates.append(e) }
        candidates.append(root.appendingPathComponent("tools/.venv/bin/python").path)
        candidates += ["/usr/bin/python3", "/usr/local/bin/python3"]
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            if let r = try? runProcess(c, ["-c", "import pynng, google.protobuf"], timeoutMs: 30_000), r.status == 0 { return c }
        }
        return nil
    }

    static func run(_ python: String, root: URL, _ arguments: [String],
                    environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(python, arguments, environment: environment.merging(["PYTHONDONTWRITEBYTECODE": "1"]) { $1 },
                       currentDirectory: root.path, timeoutMs: 600_000)
    }
}

/// Builds clients/c with its Makefile into a test folder.
enum CClient {
    static func build(root: URL, into dir: TemporaryDirectory) throws -> String {
        let make = try runProcess("/usr/bin/make", ["-s", "-C", root.appendingPathComponent("clients/c").path,
                                                    "OUT=\(dir.path)", "\(dir.path)/emu3-client"])
        guard make.status == 0 else { throw TestFailure("make failed: \(make.stderr)") }
        return dir.path + "/emu3-client"
    }
}

/// Runs any program to completion (killed after `timeoutMs`) and captures its output.
func runProcess(_ path: String, _ arguments: [String], environment: [String: String] = [:],
                currentDirectory: String? = nil, timeoutMs: Int64 = 60_000) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let stdoutBox = ResultBox<Data>(), stderrBox = ResultBox<Data>()
    try p.run()
    Thread { stdoutBox.set(.success(out.fileHandleForReading.readDataToEndOfFile())) }.start()
    Thread { stderrBox.set(.success(err.fileHandleForReading.readDataToEndOfFile())) }.start()
    let until = nowUnixMilliseconds() + timeoutMs
    while p.isRunning && nowUnixMilliseconds() < until { usleep(5_000) }
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    let o = try stdoutBox.wait(timeoutMs: 10_000), e = try stderrBox.wait(timeoutMs: 10_000)
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
