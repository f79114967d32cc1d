import Foundation
import RPC
import Testing

/// No Docker engine runs here: the compose file and env files are checked statically.
@Suite struct DeploymentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func composeRunsEveryServiceWithAnExplicitListenAddress() throws {
        let compose = try String(contentsOf: Self.root.appendingPathComponent("compose/docker-compose.yml"), encoding: .utf8)
        for s in ServiceCatalog.services + [ServiceCatalog.orchestrator] {
            #expect(compose.contains("\n  \(s.name):\n"), "service \(s.name) missing")
            #expect(compose.contains("\"\(s.processName)\", \"serve\", \"--listen\""), "\(s.processName) has no serve command")
        }
        // Only the orchestrator publishes a port, and only on the host's loopback.
        let published = compose.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- \"") && $0.contains(":7") }
        #expect(published.allSatisfy { $0.contains("127.0.0.1:") })
    }

    @Test func envFilesOnlyUseKnownConfigurationKeys() throws {
        let dir = Self.root.appendingPathComponent("compose/env")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".env") }
        #expect(files.count >= 6)
        let known = Set(ServiceConfig.keys.map { $0.uppercased() })
        let prefixes = (ServiceCatalog.services + [ServiceCatalog.orchestrator]).map { "EMU3_" + $0.name.uppercased().replacingOccurrences(of: "-", with: "_") + "_" } + ["EMU3_"]
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let key = String(line.split(separator: "=").first ?? "")
                let ok = key.hasSuffix("_URL") || prefixes.contains { p in key.hasPrefix(p) && known.contains(String(key.dropFirst(p.count))) }
                #expect(ok, "\(f): unknown key \(key)")
            }
        }
    }
}
