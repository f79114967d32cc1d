import CSpawn
import Foundation
import RPC

/// Process plumbing for the supervisor: spawning (through `CSpawn`), liveness checks that
/// see through zombies and pid reuse, log files, and the executables' folder.
public enum ProcessControl {
    /// How a child is started.
    public struct SpawnOptions: Sendable {
        /// Becomes the child's stdout and stderr (-1: /dev/null).
        public var outputFD: Int32 = -1
        /// Becomes the child's fd 3 (-1: none).
        public var extraFD: Int32 = -1
        /// Detach: a new session (the child outlives the terminal and the caller).
        public var newSession = false
        /// A new process group (a terminal's Ctrl-C reaches only the supervisor).
        public var newProcessGroup = false
        /// Signal sent to the child when the spawning thread dies (0: none).
        public var parentDeathSignal: Int32 = 0
        public init() {}
    }

    /// Starts `executable` with `arguments` and the current environment (plus `environment`).
    /// - Returns: the child's pid; 0 for a detached daemon (`newSession`), which is not
    ///   our child.
    /// - Throws: `SupervisorError.spawnFailed` with the errno of fork or exec.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             options: SpawnOptions) throws(SupervisorError) -> pid_t {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var o = emu3_spawn_options(stdin_fd: -1, stdout_fd: options.outputFD, stderr_fd: options.outputFD,
                                   extra_fd: options.extraFD, new_session: options.newSession ? 1 : 0,
                                   new_process_group: options.newProcessGroup ? 1 : 0,
                                   parent_death_signal: options.parentDeathSignal)
        var error: Int32 = 0
        let pid = argv.withUnsafeBufferPointer { a in
            envp.withUnsafeBufferPointer { e in
                emu3_spawn(executable, a.baseAddress, e.baseAddress, &o, &error)
            }
        }
        guard pid >= 0 else { throw .spawnFailed(program: executable, reason: errnoText(error)) }
        return pid
    }

    /// Reaps `pid` if it has ended. Returns its decoded status (exit code ≥ 0, or -signal)
    /// once ended, `nil` while it runs.
    public static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { return emu3_wait_status_decode(status) }
        if r < 0 && errno == ECHILD { return Int32.min }  // not our child (or already reaped)
        return nil
    }

    /// "exited with status 3", "killed by signal 9 (SIGKILL)".
    public static func describe(status: Int32) -> String {
        if status == Int32.min { return "ended" }
        if status >= 0 { return "exited with status \(status)" }
        let signal = -status
        let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT",
                                      SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGINT: "SIGINT", SIGTRAP: "SIGTRAP"]
        return "killed by signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
    }

    /// Whether `pid` is a live process (zombies count as gone).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // "pid (comm) S ...": the state follows the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// The file name of the program `pid` runs ("emu3-backbone"), without the
    /// " (deleted)" the kernel appends once the binary was replaced by a rebuild.
    public static func programName(_ pid: pid_t) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") else { return nil }
        var name = (target as NSString).lastPathComponent
        if name.hasSuffix(" (deleted)") { name.removeLast(" (deleted)".count) }
        return name
    }

    /// Whether `pid` is alive and runs `program` (guards against signalling a reused pid).
    public static func isRunning(_ pid: pid_t, program: String) -> Bool {
        isAlive(pid) && programName(pid) == program
    }

    /// Waits until none of `pids` is alive, polling; returns those still alive at `timeoutMs`.
    public static func waitGone(_ pids: [pid_t], timeoutMs: Int64) -> [pid_t] {
        let until = monotonicMilliseconds() + timeoutMs
        var left = pids.filter { $0 > 0 }
        while true {
            left = left.filter(isAlive)
            if left.isEmpty || monotonicMilliseconds() >= until { return left }
            usleep(20_000)
        }
    }

    /// The folder holding the executables: `$EMU3_BIN_DIR`, else the running executable's.
    public static func binDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let d = environment["EMU3_BIN_DIR"], !d.isEmpty { return URL(fileURLWithPath: d).standardizedFileURL }
        return currentExecutable.deletingLastPathComponent()
    }

    /// The running executable (/proc/self/exe, symlinks resolved).
    public static var currentExecutable: URL {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target.hasSuffix(" (deleted)") ? String(target.dropLast(" (deleted)".count)) : target)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }

    /// Opens `path` for appending (mode 0600, close-on-exec). A file over `rotateBytes` is
    /// first renamed to `path.1` (one old generation is kept).
    public static func openLog(_ path: String, rotateBytes: Int = 8 << 20) throws(SupervisorError) -> Int32 {
        var st = stat()
        if stat(path, &st) == 0 && Int(st.st_size) > rotateBytes { rename(path, path + ".1") }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .runtimeDirectory("cannot open the log \(path): \(errnoText())") }
        return fd
    }

    /// The current size of a file (0 when missing).
    public static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// The last `count` non-empty lines of `path` written after byte `offset`.
    public static func tail(_ path: String, from offset: Int = 0, lines count: Int = 12) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = fileSize(path)
        let start = max(offset, size - 64 * 1024)
        try? handle.seek(toOffset: UInt64(max(0, start)))
        let data = (try? handle.readToEnd()) ?? Data()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return Array(lines.suffix(count))
    }
}

/// An exclusive lock on `<runtime dir>/supervisor.lock` (flock): held by the live
/// supervisor for its whole life, released by the kernel when it exits however it exits.
public final class SupervisorLock {
    private let fd: Int32

    /// Takes the lock without waiting; `nil` when another process holds it.
    public init?(runtimeDir: String) throws(SupervisorError) {
        let path = runtimeDir + "/supervisor.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .runtimeDirectory("cannot open \(path): \(errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Lets go of the lock before the process exits (a failed start reports only after this).
    public func release() { flock(fd, LOCK_UN) }

    /// Whether a live supervisor holds the lock of `runtimeDir`.
    public static func isHeld(runtimeDir: String) -> Bool {
        let fd = open(runtimeDir + "/supervisor.lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}

/// Monotonic milliseconds.
func monotonicMilliseconds() -> Int64 { Int64(monotonicNanoseconds() / 1_000_000) }
