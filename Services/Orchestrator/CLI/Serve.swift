import ArgumentParser
import Emu3Proto
import Foundation
import OrchestratorCore
import RPC

/// The orchestrator's service side: clients in any language run the whole pipelines over
/// NNG (`/emu3.v1.Orchestrator/GenerateImage`, `/emu3.v1.Orchestrator/Understand`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the orchestrator's pipelines over NNG until SIGTERM.",
        discussion: """
            The services it calls are found through EMU3_<SERVICE>_URL variables, "<service>_url"
            keys of the --config file, or the default private ipc:// addresses.
            """)

    @OptionGroup var options: ServeOptions

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.orchestrator, options: options)
        let modelDir = try? DefaultModel.resolve(options.model)
        let pipeline = try Pipeline(endpoints: try Endpoints.resolve(flags: [:], configFile: options.config), defaults: try ModelDefaults.load(from: modelDir))
        let gate = host.makeAdmissionGate(retryAfterMs: 1000)
        host.server.register(Methods.Orchestrator.generateImage, gate: gate) { (r: GenerateImageRequest, context) in
            var o = GenerateOptions(prompt: r.prompt)
            if !r.negativePrompt.isEmpty { o.negativePrompt = r.negativePrompt }
            if !r.ratio.isEmpty { o.ratio = r.ratio }
            if r.area > 0 { o.area = Int(r.area) }
            if r.cfgScale != 0 { o.cfgScale = r.cfgScale }
            if r.topK != 0 { o.topK = r.topK }
            if r.topP != 0 { o.topP = r.topP }
            if r.temperature != 0 { o.temperature = r.temperature }
            o.seed = r.seed
            o.timeoutMs = context.deadline.remainingMilliseconds
            let image = try pipeline.generate(o, requestId: context.requestId, cancellation: context.cancellation)
            var response = GenerateImageResponse()
            response.png = image.png
            response.width = Int32(image.width)
            response.height = Int32(image.height)
            response.seed = image.seed
            response.tokenIds = image.tokenIds
            response.elapsedMs = image.elapsedMs
            return response
        }
        host.server.register(Methods.Orchestrator.understand, gate: gate) { (r: UnderstandRequest, context) in
            let result = try pipeline.understand(png: r.png, question: r.question,
                                                 maxTokens: r.maxTokens == 0 ? nil : Int(r.maxTokens),
                                                 timeoutMs: context.deadline.remainingMilliseconds,
                                                 requestId: context.requestId, cancellation: context.cancellation)
            var response = UnderstandResponse()
            response.text = result.text
            response.tokenIds = result.tokenIds
            response.elapsedMs = result.elapsedMs
            return response
        }
        host.run(model: modelDir?.path ?? "") {}
    }
}
