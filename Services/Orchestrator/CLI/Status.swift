import ArgumentParser
import Foundation
import OrchestratorCore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the supervisor and each service's health, pid and restarts; exit 1 if one is not serving.")

    @OptionGroup var runtime: RuntimeDirOption
    @OptionGroup var endpoints: EndpointOptions

    @Flag(help: "Print JSON instead of a table.") var json = false

    @Option(help: ArgumentHelp("Time allowed per service.", valueName: "ms")) var timeoutMs: Int64 = 2000

    func validate() throws {
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
    }

    func run() throws {
        let dir = SupervisorConfiguration.resolveRuntimeDir(runtime.runtimeDir)
        let report: SupervisorStatusReport
        do {
            report = try Supervisor.status(runtimeDir: dir, endpoints: try endpoints.resolve(runtimeDir: dir),
                                           timeoutMs: timeoutMs)
        } catch let error as SupervisorError {
            throw failWith(error)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            if let pid = report.supervisorPid {
                print("supervisor pid \(pid), \(report.phase ?? "?") since \(report.startedAt ?? "?"), runtime dir \(dir)")
            } else {
                print("no supervisor is running in \(dir)")
            }
            StatusTable.print(report)
        }
        if !report.allServing { throw ExitCode(1) }
    }
}

/// The services table of `up` and `status`.
enum StatusTable {
    static func print(_ report: SupervisorStatusReport) {
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        Swift.print("\(pad("SERVICE", 22)) \(pad("HEALTH", 12)) \(pad("PID", 8)) \(pad("RESTARTS", 9)) URL")
        for s in report.services {
            let pid = s.pid.map { $0 > 0 ? String($0) : "-" } ?? "-"
            let restarts = s.managed == true ? String(s.restarts ?? 0) : (s.managed == false ? "external" : "-")
            var line = "\(pad(s.service, 22)) \(pad(s.health, 12)) \(pad(pid, 8)) \(pad(restarts, 9)) \(s.url)"
            if !s.isServing {
                line += "  " + s.detail
                if let exit = s.lastExit { line += " (last: \(exit))" }
                if let log = s.log { line += " log: \(log)" }
            }
            Swift.print(line)
        }
    }
}
