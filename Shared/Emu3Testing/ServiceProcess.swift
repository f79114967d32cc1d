import Foundation
import RPC

/// Test helper: runs one of the project's executables as a real child process.
public final class ServiceProcess: @unchecked Sendable {
    // protected by: used from one test at a time.
    public let process: Process
    public let name: String
    public let url: String
    private let stderrPipe = Pipe()
    private let stderrBuffer = OutputBuffer()

    /// The folder holding the built executables (next to the test bundle).
    public static var binDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner may sit inside a `.xctest` bundle folder.
        while dir.path.hasSuffix(".xctest") || dir.lastPathComponent == "Contents" || dir.lastPathComponent == "MacOS" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    public static func executable(_ product: String) -> URL { binDirectory.appendingPathComponent(product) }

    /// Starts `emu3-<service> serve --listen <url> <extra>` and returns at once.
    public init(service: String, url: String, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        name = "emu3-" + service
        self.url = url
        process = Process()
        process.executableURL = Self.executable(name)
        process.arguments = ["serve", "--listen", url] + extraArguments
        var env = ProcessInfo.processInfo.environment
        env.merge(TestModels.environment) { current, _ in current }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrPipe
        let buffer = stderrBuffer
        stderrPipe.fileHandleForReading.readabilityHandler = { h in buffer.append(h.availableData) }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        stderrPipe.fileHandleForReading.readabilityHandler = nil
    }

    /// What the process wrote to stderr so far.
    public var stderr: String { stderrBuffer.text }

    public var pid: Int32 { process.processIdentifier }

    /// Polls Health until SERVING (or the process exits, or `timeoutMs` passes).
    public func waitUntilServing(timeoutMs: Int64 = 20_000) throws {
        let client = try RPCClient(url: url)
        defer { client.close() }
        let until = nowUnixMilliseconds() + timeoutMs
        var last = ""
        while nowUnixMilliseconds() < until {
            guard process.isRunning else {
                throw TestFailure("\(name) exited with \(process.terminationStatus) before serving: \(stderr)")
            }
            do {
                if try client.healthCheck(deadline: .afterMilliseconds(1000)).status == .serving { return }
                last = "NOT_SERVING"
            } catch {
                last = "\(error)"
            }
            usleep(20_000)
        }
        throw TestFailure("\(name) not serving after \(timeoutMs) ms (last: \(last)); stderr: \(stderr)")
    }

    /// Sends `signal` and waits for exit (SIGKILL after `timeoutMs`); returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeoutMs: Int64 = 15_000) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let until = nowUnixMilliseconds() + timeoutMs
        while process.isRunning && nowUnixMilliseconds() < until { usleep(5_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Resident set size in KiB, from /proc/<pid>/status (VmRSS).
    public var residentKiB: Int { Self.residentKiB(pid: pid) }

    public static func residentKiB(pid: Int32) -> Int {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }
}

/// A private (0700) temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        var template = Array((NSTemporaryDirectory() + "/emu3-test-XXXXXX").utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed")
        }
        path = String(cString: p)
        chmod(path, 0o700)
    }

    public func ipcURL(_ name: String) -> String { "ipc://\(path)/\(name).ipc" }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A free TCP port on 127.0.0.1 (bind to port 0 and read it back).
public func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

final class OutputBuffer: @unchecked Sendable {
    // protected by `lock`.
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) { lock.lock(); data.append(d); if data.count > 1 << 20 { data.removeFirst(data.count - (1 << 20)) }; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}
