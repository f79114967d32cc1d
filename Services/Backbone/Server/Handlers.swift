import BackboneEngine
import Emu3Proto
import Foundation
import RPC

/// The loaded engine, set once after `load` (handlers are registered before).
typealias EngineHolder = LoadedValue<BackboneEngine>

/// Decode, check, call the engine, encode. Generate and Score share one admission gate
/// (`max_in_flight` jobs, refused at once with RESOURCE_EXHAUSTED + retry_after_ms);
/// Progress and Cancel bypass it so they answer while a job runs.
enum Handlers {
    static func register(on host: ServiceHost, engine holder: EngineHolder, jobs: JobRegistry) {
        let gate = host.makeAdmissionGate(retryAfterMs: 1000)

        host.server.register(Methods.Backbone.generate) { (request: GenerateRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            let id = context.requestId
            let control = Conversions.control(context)
            // De-duplicate before admission: a retried request_id must not run twice here.
            try jobs.begin(id, total: Int(request.maxNewTokens), control: control)
            do {
                try gate.acquire()
            } catch {
                jobs.remove(id)
                throw error
            }
            defer { gate.release() }
            jobs.setState(id, .prefill)
            do {
                let result = try engine.generate(Conversions.generation(request), control: control) { p in
                    jobs.update(id, p)
                    if context.cancellation.isCancelled { control.cancel() }  // drain grace over
                }
                jobs.finish(id, .done)
                context.logger.info("generate", metadata: [
                    "request.id": "\(id)", "tokens.in": "\(result.promptTokens)", "tokens.out": "\(result.ids.count)",
                    "finish": "\(result.finishReason.rawValue)", "prefill.ms": "\(Int(result.prefillSeconds * 1000))",
                    "decode.ms": "\(Int(result.decodeSeconds * 1000))",
                ])
                return Conversions.response(result)
            } catch {
                jobs.finish(id, (error as? BackboneError)?.statusCode == .cancelled ? .cancelled : .failed)
                if let reason = context.cancellation.reason { throw reason }  // e.g. UNAVAILABLE "shutting down"
                throw error
            }
        }

        host.server.register(Methods.Backbone.progress) { (request: ProgressRequest, _) in
            guard let r = jobs.progress(request.requestId, from: Int(request.fromToken)) else {
                throw RPCError(.notFound, "no generation with request_id \(request.requestId)")
            }
            return r
        }

        host.server.register(Methods.Backbone.cancel) { (request: CancelRequest, _) in
            var r = CancelResponse()
            r.found = jobs.cancel(request.requestId)
            return r
        }

        host.server.register(Methods.Backbone.score, gate: gate) { (request: ScoreRequest, context) in
            try context.checkContinue("admission")
            let engine = try holder.get()
            do {
                return Conversions.response(try engine.score(Conversions.scoreItems(request), control: Conversions.control(context)))
            } catch {
                if let reason = context.cancellation.reason { throw reason }
                throw error
            }
        }
    }
}
