import ArgumentParser
import OrchestratorCore
import RPC

/// `--text-tokenizer-url` etc.: where each service listens.
struct EndpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Text tokenizer address.", valueName: "url")) var textTokenizerUrl: String?
    @Option(help: ArgumentHelp("Vision tokenizer address.", valueName: "url")) var visionTokenizerUrl: String?
    @Option(help: ArgumentHelp("Backbone address.", valueName: "url")) var backboneUrl: String?
    @Option(help: ArgumentHelp("Evaluator address.", valueName: "url")) var evaluatorUrl: String?
    @Option(help: ArgumentHelp("JSON config file with \"<service>_url\" keys.", valueName: "file")) var config: String?

    func resolve() throws -> Endpoints {
        var flags: [String: String] = [:]
        flags["text-tokenizer"] = textTokenizerUrl
        flags["vision-tokenizer"] = visionTokenizerUrl
        flags["backbone"] = backboneUrl
        flags["evaluator"] = evaluatorUrl
        return try Endpoints.resolve(flags: flags, configFile: config)
    }
}
