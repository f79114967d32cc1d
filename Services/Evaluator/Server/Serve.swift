import ArgumentParser
import EvaluatorEngine
import RPC

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the evaluator service until SIGTERM.")

    @OptionGroup var options: ServeOptions

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.evaluator, options: options)
        Handlers.register(on: host)
        host.run {}
    }
}
