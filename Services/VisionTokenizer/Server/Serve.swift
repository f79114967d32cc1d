import ArgumentParser
import Foundation
import ImageIO
import RPC
import VisionTokenizerEngine

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the vision tokenizer service until SIGTERM.")

    @OptionGroup var options: ServeOptions

    /// Oldest libpng accepted at start (RELIABILITY.md test D8; the Debian revision with the
    /// backported CVE fixes is not visible at run time, so the upstream version is checked).
    static let minimumLibPNG = [1, 6, 39]

    func run() throws {
        let host = try ServiceHost(descriptor: ServiceCatalog.visionTokenizer, options: options)
        let holder = EngineHolder()
        Handlers.register(on: host, engine: holder)
        let libpng = LibPNGVersion.runtime
        host.setDetail("libpng", libpng)
        let directory = try DefaultModel.resolve(host.config.model)
        host.run(model: directory.lastPathComponent) {
            let parts = libpng.split(separator: ".").map { Int($0) ?? 0 }
            guard parts.lexicographicallyPrecedes(Self.minimumLibPNG) == false else {
                throw ConfigError("libpng \(libpng) is older than \(Self.minimumLibPNG.map(String.init).joined(separator: "."))")
            }
            VisionTokenizer.setComputeThreads(host.computeThreads)
            let engine = try VisionTokenizer(modelDirectory: directory, logger: host.logger)
            let c = engine.configuration
            host.setDetail("vq.naming", engine.naming.rawValue)
            host.setDetail("vq.codebook_size", "\(c.codebookSize)")
            host.setDetail("vq.spatial_factor", "\(c.spatialFactor)")
            host.setDetail("vq.temporal_factor", "\(c.temporalFactor)")
            host.setDetail("limits.max_codes_per_frame", "\(engine.limits.maxCodesPerFrame)")
            host.setDetail("limits.png", "sides \(PNGLimits.default.minSide)...\(PNGLimits.default.maxSide), \(PNGLimits.default.maxFileBytes) bytes")
            holder.set(engine)
        }
    }
}
