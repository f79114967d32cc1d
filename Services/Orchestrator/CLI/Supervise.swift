import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

/// The supervisor process itself, started detached by `up` (hidden: not for people).
struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the supervisor (started by `up`).", shouldDisplay: false)

    @Option var runtimeDir: String
    @Option(help: "Comma-separated services to start.") var manage: String
    @Option var binDir: String
    @Option var startTimeoutMs: Int64 = 300_000
    @Option var backoffInitialMs: Int64 = RestartBackoff.standard.initialMs
    @Option var backoffMaxMs: Int64 = RestartBackoff.standard.maxMs
    @Option var backoffResetMs: Int64 = RestartBackoff.standard.resetAfterMs
    @Option var model: String?
    @Option(help: "Descriptor on which to report READY or ERROR once, then close.") var readyFd: Int32?
    @OptionGroup var endpoints: EndpointOptions

    func validate() throws {
        let names = manage.split(separator: ",").map(String.init)
        for n in names where ServiceCatalog.services.first(where: { $0.name == n }) == nil {
            throw ValidationError("unknown service \(n)")
        }
        guard backoffInitialMs > 0, backoffMaxMs >= backoffInitialMs, backoffResetMs >= 0, startTimeoutMs > 0 else {
            throw ValidationError("bad back-off or timeout")
        }
    }

    func run() throws {
        let configuration = SupervisorConfiguration(
            runtimeDir: runtimeDir, endpoints: try endpoints.resolve(runtimeDir: runtimeDir),
            managed: manage.split(separator: ",").map(String.init), model: model,
            binDirectory: URL(fileURLWithPath: binDir), startTimeoutMs: startTimeoutMs,
            backoff: RestartBackoff(initialMs: backoffInitialMs, maxMs: backoffMaxMs, resetAfterMs: backoffResetMs))
        let fd = readyFd
        let status = Supervisor(configuration: configuration).run { failure in
            guard let fd else { return }
            let line = ReadyLine.encode(failure)
            _ = line.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        throw ExitCode(status)
    }
}
