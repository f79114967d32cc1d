import ArgumentParser
import Foundation
import OrchestratorCore
import RPC

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask every service whether it is serving; exit 1 if one is not.")

    @OptionGroup var endpoints: EndpointOptions

    @Flag(help: "Print JSON instead of a table.") var json = false

    @Option(help: ArgumentHelp("Time allowed per service.", valueName: "ms")) var timeoutMs: Int64 = 2000

    func validate() throws {
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
    }

    func run() throws {
        let rows = HealthProbe.probeAll(try endpoints.resolve(), timeoutMs: timeoutMs)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else {
            for r in rows {
                let pad = { (s: String, n: Int) in s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
                print("\(pad(r.service, 24)) \(pad(r.status, 12)) \(pad(String(format: "%.1f ms", r.latencyMs), 10)) \(r.url)  \(r.detail)")
            }
        }
        if !rows.allSatisfy(\.isServing) { throw ExitCode(1) }
    }
}
