import OrchestratorCore
import RPC

/// Starts the services on demand when none answer (the Supervisor from `up`).
enum ServiceStarter {
    static func ensureRunning(_ endpoints: Endpoints, model: String?) throws -> Endpoints {
        endpoints
    }
}
