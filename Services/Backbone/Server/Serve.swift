import ArgumentParser
import BackboneEngine
import Foundation
import RPC
import Tensor

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the backbone service until SIGTERM.")

    @OptionGroup var options: ServeOptions

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.backbone, options: options)
        let holder = EngineHolder()
        Handlers.register(on: host, engine: holder, jobs: JobRegistry())
        let directory = try DefaultModel.resolve(host.config.model)
        host.run(model: directory.lastPathComponent) {
            let engine = try BackboneEngine(
                modelDirectory: directory, threads: ComputeThreads(host.computeThreads), logger: host.logger)
            let c = engine.configuration
            host.setDetail("weights.dtype", engine.model.weightDType.rawValue)
            host.setDetail("weights.bytes", "\(engine.model.weightBytes)")
            host.setDetail("context", "\(c.maxPositionEmbeddings)")
            host.setDetail("vocab", "\(c.vocabularySize)")
            host.setDetail("layers", "\(c.layerCount)")
            host.setDetail("kernels", engine.model.weightDType.isVectorised ? "avx2+fma" : "portable")
            holder.set(engine)
        }
    }
}
