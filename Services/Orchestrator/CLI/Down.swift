import ArgumentParser
import Foundation
import OrchestratorCore

struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop the supervisor and its services (they drain first); wait until all are gone.")

    @OptionGroup var runtime: RuntimeDirOption

    @Option(help: ArgumentHelp("How long to wait for the services to drain before SIGKILL.", valueName: "seconds"))
    var timeout: Double = 120

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let dir = SupervisorConfiguration.resolveRuntimeDir(runtime.runtimeDir)
        do {
            let report = try Supervisor.stop(runtimeDir: dir, timeoutMs: Int64(timeout * 1000))
            if let pid = report.supervisorPid {
                let services = report.stoppedServices.isEmpty ? "no services" : report.stoppedServices.joined(separator: ", ")
                print("stopped: supervisor pid \(pid) and \(services)")
            } else if !report.orphansStopped.isEmpty {
                print("no supervisor was running in \(dir); stopped the services it left: \(report.orphansStopped.joined(separator: ", "))")
            } else {
                print("nothing to stop: no supervisor is running in \(dir)")
            }
        } catch {
            throw failWith(error)
        }
    }
}
