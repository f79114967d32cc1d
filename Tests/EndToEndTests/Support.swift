import Emu3Proto
import Emu3Testing
import Foundation
import OrchestratorCore
import Testing

/// Runs one of the built executables to completion and captures its output.
func runTool(_ product: String, _ arguments: [String], environment: [String: String] = [:],
             timeoutMs: Int64 = 60_000) throws -> (status: Int32, stdout: String, stderr: String) {
    TestModels.exportToEnvironment()
    let p = Process()
    p.executableURL = ServiceProcess.executable(product)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(TestModels.environment) { current, _ in current }
    env.merge(environment) { $1 }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Starts the four services on the embedded emu3-tiny with `up` in a private runtime folder,
/// runs `body` with the folder and the environment that points commands at it, then stops them.
func withEmbeddedModelServices(environment extra: [String: String] = [:],
                               _ body: (TemporaryDirectory, [String: String]) throws -> Void) throws {
    let dir = try TemporaryDirectory()
    defer {
        _ = try? Supervisor.stop(runtimeDir: dir.path, timeoutMs: 30_000)
        dir.remove()
    }
    let env = ["EMU3_RUNTIME_DIR": dir.path].merging(extra) { $1 }
    let up = try runTool("emu3-orchestrator", ["up", "--model", TestModels.embedded, "--start-timeout", "120"], environment: env)
    try #require(up.status == 0, "up: \(up.stderr)")
    try body(dir, env)
}

enum Fixtures {
    static func dpoRequest(pairs: Int, offset: Double = 0) -> DpoLossRequest {
        var r = DpoLossRequest()
        r.beta = 0.5
        r.pairs = (0..<pairs).map { i in
            var p = DpoPair()
            p.policyChosenLogprob = -10 + Double(i) + offset
            p.policyRejectedLogprob = -12
            p.referenceChosenLogprob = -11
            p.referenceRejectedLogprob = -11
            return p
        }
        return r
    }
}

/// A one-shot result slot filled by another thread.
final class ResultBox<T>: @unchecked Sendable {
    // protected by `lock`.
    private let lock = NSLock()
    private var value: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    func set(_ v: Result<T, Error>) { lock.lock(); value = v; lock.unlock(); done.signal() }

    func wait(timeoutMs: Int) throws -> T {
        guard done.wait(timeout: .now() + .milliseconds(timeoutMs)) == .success else { throw TestFailure("timed out") }
        lock.lock(); defer { lock.unlock() }
        return try value!.get()
    }
}
