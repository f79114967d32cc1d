import Foundation

/// A service process's configuration, resolved from (highest first) command-line flags,
/// `EMU3_<SERVICE>_<KEY>` then `EMU3_<KEY>` environment variables, a JSON config file
/// (`--config FILE` or `EMU3_CONFIG`), and the service's defaults.
public struct ServiceConfig: Codable, Sendable, Equatable {
    /// Addresses to listen on (`ipc://…` or `tcp://127.0.0.1:PORT`).
    public var listen: [String]
    /// `NNG_OPT_RECVMAXSZ` in bytes (RELIABILITY.md §6.2).
    public var recvMaxBytes: Int
    /// Requests the socket accepts at once (one nng_ctx each).
    public var contexts: Int
    /// Work admitted at once; beyond it, RESOURCE_EXHAUSTED with retry_after_ms.
    public var maxInFlight: Int
    /// Compute threads (0 = all cores).
    public var threads: Int
    /// Model directory ("" = the default model, models/emu3-tiny).
    public var model: String
    /// SIGTERM: how long in-flight work may run before it is cancelled.
    public var graceSeconds: Double
    /// trace, debug, info, notice, warning, error, critical.
    public var logLevel: String
    /// Allow listening on non-loopback TCP addresses.
    public var listenPublic: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, recvMaxBytes = "recv_max_bytes", contexts, maxInFlight = "max_in_flight", threads, model
        case graceSeconds = "grace_seconds", logLevel = "log_level", listenPublic = "listen_public"
    }

    /// Every key as written in files and (upper-cased) in environment variables.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }
}

/// Where each resolved value came from, for `--print-config`.
public enum ConfigSource: String, Sendable, Codable { case flag, environment, file, `default` }

/// Raised for a configuration that cannot be used; the message names the key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ServiceConfig {
    /// Applies the layers in order. `flags` holds only the flags given on the command line.
    public static func resolve(service: String, defaults: ServiceConfig, flags: [String: String],
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               configFile: String?) throws -> (ServiceConfig, [String: ConfigSource]) {
        var values: [String: String] = [:]
        var sources: [String: ConfigSource] = [:]
        let envPrefix = "EMU3_" + service.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
        let file = configFile ?? environment["EMU3_CONFIG"]
        var fileValues: [String: Any] = [:]
        if let file, !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigError("config file \(file) cannot be read")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigError("config file \(file) is not a JSON object")
            }
            // A file may hold one section per service ({"text_tokenizer": {...}}) or flat keys.
            let section = service.replacingOccurrences(of: "-", with: "_")
            fileValues = (object[section] as? [String: Any]) ?? object.filter { keys.contains($0.key) }
            for key in fileValues.keys where !keys.contains(key) {
                throw ConfigError("unknown key \"\(key)\" in \(file); known keys: \(keys.joined(separator: ", "))")
            }
        }
        for key in keys {
            if let v = flags[key] {
                values[key] = v; sources[key] = .flag
            } else if let v = environment[envPrefix + key.uppercased()] ?? environment["EMU3_" + key.uppercased()] {
                values[key] = v; sources[key] = .environment
            } else if let v = fileValues[key] {
                values[key] = (v as? [String])?.joined(separator: ",") ?? "\(v)"; sources[key] = .file
            } else {
                sources[key] = .default
            }
        }
        var c = defaults
        func int(_ k: String) throws -> Int? {
            guard let v = values[k] else { return nil }
            guard let i = Int(v.trimmingCharacters(in: .whitespaces)), i >= 0 else {
                throw ConfigError("\(k) must be a non-negative integer, got \"\(v)\"")
            }
            return i
        }
        if let v = values["listen"] { c.listen = v.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        if let v = try int("recv_max_bytes") { c.recvMaxBytes = v }
        if let v = try int("contexts") { c.contexts = v }
        if let v = try int("max_in_flight") { c.maxInFlight = v }
        if let v = try int("threads") { c.threads = v }
        if let v = values["model"] { c.model = v }
        if let v = values["grace_seconds"] {
            guard let d = Double(v), d >= 0, d.isFinite else { throw ConfigError("grace_seconds must be a number ≥ 0, got \"\(v)\"") }
            c.graceSeconds = d
        }
        if let v = values["log_level"] { c.logLevel = v }
        if let v = values["listen_public"] {
            guard let b = ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false][v.lowercased()] else {
                throw ConfigError("listen_public must be true or false, got \"\(v)\"")
            }
            c.listenPublic = b
        }
        try c.validate()
        return (c, sources)
    }

    public func validate() throws {
        guard !listen.isEmpty else { throw ConfigError("listen needs at least one address") }
        guard recvMaxBytes >= 1024 else { throw ConfigError("recv_max_bytes must be at least 1024") }
        guard (1...1024).contains(contexts) else { throw ConfigError("contexts must be 1...1024, got \(contexts)") }
        guard maxInFlight >= 1 else { throw ConfigError("max_in_flight must be at least 1") }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ConfigError("log_level must be one of trace, debug, info, notice, warning, error, critical; got \"\(logLevel)\"")
        }
    }

    /// The resolved configuration as pretty JSON, with each value's source.
    public func printable(sources: [String: ConfigSource]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let config = (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        let src = sources.keys.sorted().map { "  \"\($0)\": \"\(sources[$0]!.rawValue)\"" }.joined(separator: ",\n")
        return "{\n\"config\": \(config),\n\"sources\": {\n\(src)\n}\n}"
    }
}
