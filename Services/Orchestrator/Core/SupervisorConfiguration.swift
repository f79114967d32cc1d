import Foundation
import RPC

/// What a supervisor manages and how: the input of `Supervisor.run` and of
/// `Supervisor.startDetached`.
public struct SupervisorConfiguration: Sendable, Equatable {
    /// The private (0700) folder for ipc sockets, logs, the state and lock files.
    public var runtimeDir: String
    /// Where each of the four services listens.
    public var endpoints: Endpoints
    /// The services to start (names such as "backbone"); the others are only checked.
    public var managed: [String]
    /// `--model DIR` passed to every service (nil: each service's own default).
    public var model: String?
    /// The folder with the service executables.
    public var binDirectory: URL
    /// How long the first start may take before `up` fails (model loading included).
    public var startTimeoutMs: Int64
    /// Restart back-off for crashed services.
    public var backoff: RestartBackoff
    /// Children in their own process group (for `up --foreground` on a terminal).
    public var foreground: Bool

    public init(runtimeDir: String, endpoints: Endpoints, managed: [String] = ServiceCatalog.services.map(\.name),
                model: String? = nil, binDirectory: URL = ProcessControl.binDirectory(),
                startTimeoutMs: Int64 = 300_000, backoff: RestartBackoff = .standard, foreground: Bool = false) {
        self.runtimeDir = runtimeDir
        self.endpoints = endpoints
        self.managed = managed
        self.model = model
        self.binDirectory = binDirectory
        self.startTimeoutMs = startTimeoutMs
        self.backoff = backoff
        self.foreground = foreground
    }

    /// The log file of `service` (e.g. `<runtime dir>/backbone.log`).
    public func logPath(_ service: String) -> String { runtimeDir + "/\(service).log" }

    /// The supervisor's own log when detached.
    public var supervisorLogPath: String { runtimeDir + "/supervisor.log" }

    /// The arguments of the hidden `supervise` subcommand that reproduce this configuration.
    public var superviseArguments: [String] {
        var a = ["supervise", "--runtime-dir", runtimeDir, "--manage", managed.joined(separator: ","),
                 "--bin-dir", binDirectory.path, "--start-timeout-ms", "\(startTimeoutMs)",
                 "--backoff-initial-ms", "\(backoff.initialMs)", "--backoff-max-ms", "\(backoff.maxMs)",
                 "--backoff-reset-ms", "\(backoff.resetAfterMs)"]
        for s in ServiceCatalog.services { a += ["--\(s.name)-url", endpoints.url(s)] }
        if let model { a += ["--model", model] }
        return a
    }

    /// Resolves the runtime directory (`dir`, else `ListenAddress.runtimeDirectory()`) and
    /// makes sure it is private (0700, ours).
    public static func prepareRuntimeDir(_ dir: String?) throws(SupervisorError) -> String {
        let path = resolveRuntimeDir(dir)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try ListenAddress.ensurePrivateDirectory(path)
        } catch {
            throw .runtimeDirectory("\(error)")
        }
        return path
    }

    /// The absolute runtime directory (`dir`, else `ListenAddress.runtimeDirectory()`),
    /// neither created nor checked.
    public static func resolveRuntimeDir(_ dir: String?) -> String {
        var path = dir ?? ListenAddress.runtimeDirectory()
        if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Endpoints with the default addresses inside `runtimeDir` (flags, `EMU3_<SERVICE>_URL`
    /// and the config file still win).
    public static func endpoints(runtimeDir: String, flags: [String: String], configFile: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Endpoints {
        var env = environment
        env["EMU3_RUNTIME_DIR"] = runtimeDir
        return try Endpoints.resolve(flags: flags, configFile: configFile, environment: env)
    }
}

extension Endpoints {
    /// Whether a service could be started here at `url`: ipc, inproc, or loopback TCP.
    public static func isLocal(_ url: String) -> Bool {
        if url.hasPrefix("ipc://") || url.hasPrefix("inproc://") { return true }
        guard url.hasPrefix("tcp://") else { return false }
        let rest = url.dropFirst("tcp://".count)
        let host = rest.hasPrefix("[") ? rest.dropFirst().prefix { $0 != "]" } : rest.prefix { $0 != ":" }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
