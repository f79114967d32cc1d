import Emu3Proto
import Foundation
import RPC
import VisionTokenizerEngine

/// The loaded engine, set once after `load` (handlers are registered before).
typealias EngineHolder = LoadedValue<VisionTokenizer>

/// Decode, check, call the engine, encode. All four methods share one admission gate
/// (`max_in_flight` requests; more are refused at once with RESOURCE_EXHAUSTED +
/// retry_after_ms). Deadline and cancellation are checked between layers.
enum Handlers {
    static func register(on host: ServiceHost, engine holder: EngineHolder) {
        let gate = host.makeAdmissionGate(retryAfterMs: 200)
        let server = host.server

        server.register(Methods.VisionTokenizer.encodeImage, gate: gate) { (request: EncodeImageRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            let result = try run(context) { () throws(VisionTokenizerError) in
                try engine.encodeImage(png: request.png, smartResize: request.smartResize, check: Conversions.stopCheck(context))
            }
            var response = EncodeImageResponse()
            response.codes = Conversions.grid(result.codes)
            response.width = Int32(result.width)
            response.height = Int32(result.height)
            return response
        }

        server.register(Methods.VisionTokenizer.decodeImage, gate: gate) { (request: DecodeImageRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            let grid = try Conversions.grid(request.codes)
            let png = try run(context) { () throws(VisionTokenizerError) in
                try engine.decodeImagePNG(grid, text: Conversions.text(request.pngText), check: Conversions.stopCheck(context))
            }
            var response = DecodeImageResponse()
            response.png = png
            response.width = Int32(grid.width * engine.configuration.spatialFactor)
            response.height = Int32(grid.height * engine.configuration.spatialFactor)
            return response
        }

        server.register(Methods.VisionTokenizer.encodeVideo, gate: gate) { (request: EncodeVideoRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            let grid = try run(context) { () throws(VisionTokenizerError) in
                try engine.encodeVideo(pngFrames: request.framesPng, check: Conversions.stopCheck(context))
            }
            var response = EncodeVideoResponse()
            response.codes = Conversions.grid(grid)
            return response
        }

        server.register(Methods.VisionTokenizer.decodeVideo, gate: gate) { (request: DecodeVideoRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            let grid = try Conversions.grid(request.codes)
            var response = DecodeVideoResponse()
            response.framesPng = try run(context) { () throws(VisionTokenizerError) in
                try engine.decodeVideoPNG(grid, text: Conversions.text([]), check: Conversions.stopCheck(context))
            }
            return response
        }
    }

    /// Runs engine work; when the server cancelled the request (drain grace over), its own
    /// reason (e.g. UNAVAILABLE "shutting down") wins over the engine's `stopped`.
    static func run<T>(_ context: RequestContext, _ body: () throws(VisionTokenizerError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if case .stopped = error, let reason = context.cancellation.reason { throw reason }
            throw error
        }
    }
}
