import ArgumentParser
import RPC

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the service until SIGTERM.")

    @OptionGroup var options: ServeOptions

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.textTokenizer, options: options)
        host.run {}
    }
}
