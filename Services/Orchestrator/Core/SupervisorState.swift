import Foundation
import RPC

/// The supervisor's state file (`<runtime dir>/supervisor.json`), rewritten atomically
/// (temporary file + rename) whenever something changes. `status` and `down` read it.
public struct SupervisorState: Codable, Sendable, Equatable {
    /// Where the supervisor is in its life.
    public enum Phase: String, Codable, Sendable {
        case starting, running, stopping
    }

    /// One service as the supervisor sees it.
    public struct Service: Codable, Sendable, Equatable {
        /// Service name, e.g. "backbone".
        public var name: String
        public var url: String
        /// false: something else already served this address when the supervisor started
        /// (it is checked by `status` but neither started nor stopped).
        public var managed: Bool
        /// The running process, 0 when none (back-off, stopped, or not managed).
        public var pid: Int32
        /// How many times it was started again after the first start.
        public var restarts: Int
        /// starting (not yet SERVING), serving, backoff (waiting to restart), stopped, external.
        public var state: String
        /// ISO 8601 time the current process started.
        public var startedAt: String?
        /// How the previous process ended, e.g. "killed by signal 9", "exited with status 3".
        public var lastExit: String?
        /// The service's log file (stdout and stderr of every incarnation, appended).
        public var log: String?
    }

    public var supervisorPid: Int32
    public var startedAt: String
    public var runtimeDir: String
    public var model: String?
    public var phase: Phase
    public var services: [Service]

    /// The state file's path in `runtimeDir`.
    public static func path(runtimeDir: String) -> String { runtimeDir + "/supervisor.json" }

    /// The endpoints the supervisor serves (all four services).
    public var endpoints: Endpoints {
        Endpoints(urls: Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0.url) }))
    }

    /// Reads the state file; `nil` when there is none.
    /// - Throws: `SupervisorError.badStateFile` when it exists but is not valid.
    public static func read(runtimeDir: String) throws(SupervisorError) -> SupervisorState? {
        let path = path(runtimeDir: runtimeDir)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try decoder.decode(SupervisorState.self, from: data)
        } catch {
            throw .badStateFile(path: path, reason: "\(error)")
        }
    }

    /// Writes the state file atomically (a reader sees the old or the new file, never half).
    public func write() throws {
        let path = Self.path(runtimeDir: runtimeDir)
        let temporary = path + ".tmp.\(getpid())"
        let data = try Self.encoder.encode(self) + Data("\n".utf8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SupervisorError.runtimeDirectory("cannot write \(temporary): \(errnoText())") }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SupervisorError.runtimeDirectory("cannot write \(path): \(errnoText())")
        }
    }

    /// Removes the state file (when the supervisor stops).
    public static func remove(runtimeDir: String) { unlink(path(runtimeDir: runtimeDir)) }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }
}

/// `strerror(errno)`.
func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Now as ISO 8601 with milliseconds, UTC.
func isoNow() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: Date())
}
