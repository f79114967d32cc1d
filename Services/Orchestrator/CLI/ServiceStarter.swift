import Foundation
import OrchestratorCore
import RPC

/// Starts the services on demand when none answer, so the first `generate` or
/// `understand` works with nothing set up; they keep running for the next command
/// (`emu3-orchestrator down` stops them).
enum ServiceStarter {
    static func ensureRunning(_ endpoints: Endpoints, model: String?) throws -> Endpoints {
        if HealthProbe.probeAll(endpoints, timeoutMs: 300).allSatisfy(\.isServing) { return endpoints }
        FileHandle.standardError.write(Data("starting the services (stop them with: emu3-orchestrator down)…\n".utf8))
        do {
            return try Supervisor.ensureRunning(endpoints: endpoints, model: model)
        } catch {
            throw fail("\(error)")
        }
    }
}
