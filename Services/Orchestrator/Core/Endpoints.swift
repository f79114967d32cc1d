import Foundation
import RPC

/// Where the services are: for each, flags > `EMU3_<SERVICE>_URL` > the config file's
/// `"<service>_url"` > the default private ipc address (where `up` starts them).
public struct Endpoints: Sendable, Equatable {
    public var urls: [String: String]  // service name ("text-tokenizer") → URL

    public init(urls: [String: String]) { self.urls = urls }

    public func url(_ service: ServiceDescriptor) -> String { urls[service.name] ?? ListenAddress.defaultURL(service: service.name) }

    /// - Parameters:
    ///   - flags: URLs given on the command line, by service name.
    ///   - configFile: a JSON object with keys such as `"backbone_url"`.
    public static func resolve(flags: [String: String], configFile: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Endpoints {
        var file: [String: Any] = [:]
        if let path = configFile ?? environment["EMU3_CONFIG"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigError("config file \(path) cannot be read as a JSON object")
            }
            file = obj
        }
        var urls: [String: String] = [:]
        for s in ServiceCatalog.services {
            let key = s.name.replacingOccurrences(of: "-", with: "_")
            urls[s.name] = flags[s.name]
                ?? environment["EMU3_\(key.uppercased())_URL"]
                ?? (file["\(key)_url"] as? String)
                ?? ListenAddress.defaultURL(service: s.name, environment: environment)
        }
        return Endpoints(urls: urls)
    }
}

/// One row of `emu3-orchestrator health`.
public struct ServiceHealth: Sendable, Codable, Equatable {
    public var service: String
    public var url: String
    public var status: String   // SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE
    public var detail: String
    public var latencyMs: Double

    public var isServing: Bool { status == "SERVING" }
}

public enum HealthProbe {
    /// Asks every service's Health/Check and Info within `timeoutMs` each, in parallel.
    public static func probeAll(_ endpoints: Endpoints, timeoutMs: Int64) -> [ServiceHealth] {
        let services = ServiceCatalog.services
        let results = ProbeResults(count: services.count)
        DispatchQueue.concurrentPerform(iterations: services.count) { i in
            results.set(i, probe(services[i], url: endpoints.url(services[i]), timeoutMs: timeoutMs))
        }
        return results.values
    }

    public static func probe(_ service: ServiceDescriptor, url: String, timeoutMs: Int64) -> ServiceHealth {
        let start = monotonicNanoseconds()
        var row = ServiceHealth(service: service.processName, url: url, status: "UNREACHABLE", detail: "", latencyMs: 0)
        do {
            var options = ClientOptions.idempotent
            options.connectWaitMs = min(timeoutMs, 1000)
            let client = try RPCClient(url: url, options: options)
            defer { client.close() }
            let deadline = Deadline.afterMilliseconds(timeoutMs)
            let health = try client.healthCheck(deadline: deadline)
            row.status = health.status == .serving ? "SERVING" : (health.status == .notServing ? "NOT_SERVING" : "UNKNOWN")
            if let info = try? client.info(deadline: deadline) {
                row.detail = "v\(info.version)" + (info.model.isEmpty ? "" : " model=\(info.model)") + " threads=\(info.threads)"
            }
        } catch {
            row.detail = error.description
        }
        row.latencyMs = Double(monotonicNanoseconds() - start) / 1e6
        return row
    }
}

private final class ProbeResults: @unchecked Sendable {
    // protected by `lock`.
    private let lock = NSLock()
    private var rows: [ServiceHealth?]
    init(count: Int) { rows = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: ServiceHealth) { lock.lock(); rows[i] = r; lock.unlock() }
    var values: [ServiceHealth] { lock.lock(); defer { lock.unlock() }; return rows.compactMap { $0 } }
}
