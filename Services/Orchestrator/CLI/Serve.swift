import ArgumentParser
import RPC

/// The orchestrator's service side: clients in any language call its pipelines over NNG.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the orchestrator's pipelines over NNG until SIGTERM.")

    @OptionGroup var options: ServeOptions

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.orchestrator, options: options)
        host.run {}
    }
}
