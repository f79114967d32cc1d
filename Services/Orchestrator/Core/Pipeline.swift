import Emu3Proto
import Foundation
import NNG
import RPC

/// The two Emu3 pipelines over the services (ARCHITECTURE.md "The two pipelines"):
/// text → image (`generate`) and image + question → text (`understand`). Structural tokens
/// are built by id from the tokenizer's SpecialTokens, never by spelling special strings in
/// user text (spec §9.19).
public final class Pipeline: @unchecked Sendable {
    public let endpoints: Endpoints
    public let defaults: ModelDefaults
    let text: RPCClient
    let vision: RPCClient
    /// Generation: REQ resend off, so a long job never runs twice (RELIABILITY.md §0.2).
    let backbone: RPCClient
    /// Progress and Cancel: short idempotent calls beside a running Generate.
    let backboneControl: RPCClient
    // protected by `lock`.
    private let lock = Lock()
    private var cachedSpecials: SpecialTokensResponse?
    private var cachedContext: Int?

    public init(endpoints: Endpoints, defaults: ModelDefaults) throws(RPCError) {
        self.endpoints = endpoints
        self.defaults = defaults
        text = try RPCClient(url: endpoints.url(ServiceCatalog.textTokenizer))
        vision = try RPCClient(url: endpoints.url(ServiceCatalog.visionTokenizer))
        backbone = try RPCClient(url: endpoints.url(ServiceCatalog.backbone), options: .longRunning)
        backboneControl = try RPCClient(url: endpoints.url(ServiceCatalog.backbone))
    }

    // MARK: - Text tokenizer

    public func specialTokens(deadline: Deadline) throws(PipelineError) -> SpecialTokensResponse {
        if let s = lock.withLock({ cachedSpecials }) { return s }
        let s: SpecialTokensResponse = try service("text tokenizer") { () throws(RPCError) in
            try text.call(Methods.TextTokenizer.specialTokens, SpecialTokensRequest(), deadline: deadline)
        }
        lock.withLock { cachedSpecials = s }
        return s
    }

    /// Encodes plain texts (special-looking strings stay text).
    public func encode(_ texts: [String], deadline: Deadline) throws(PipelineError) -> [[Int32]] {
        var r = EncodeRequest()
        r.texts = texts
        let response: EncodeResponse = try service("text tokenizer") { () throws(RPCError) in
            try text.call(Methods.TextTokenizer.encode, r, deadline: deadline)
        }
        guard response.results.count == texts.count else {
            throw .service("text tokenizer", RPCError(.internal, "\(response.results.count) results for \(texts.count) texts"))
        }
        return response.results.map(\.ids)
    }

    public func decode(_ ids: [Int32], skipSpecial: Bool = true, deadline: Deadline) throws(PipelineError) -> String {
        var r = DecodeRequest()
        var t = TokenIds()
        t.ids = ids
        r.sequences = [t]
        r.skipSpecial = skipSpecial
        let response: DecodeResponse = try service("text tokenizer") { () throws(RPCError) in
            try text.call(Methods.TextTokenizer.decode, r, deadline: deadline)
        }
        return response.texts.first ?? ""
    }

    /// The backbone model's context length (from its Info details), if it reports one.
    public func backboneContext(deadline: Deadline) -> Int? {
        if let c = lock.withLock({ cachedContext }) { return c }
        guard let info = try? backboneControl.info(deadline: deadline),
              let c = info.details.first(where: { $0.key == "context" }).flatMap({ Int($0.value) }) else { return nil }
        lock.withLock { cachedContext = c }
        return c
    }

    // MARK: - Calls with progress

    /// Runs Generate on the backbone while polling Progress; `onProgress` gets every
    /// Progress reply. Cancelling `cancellation` sends Cancel(request_id) to the backbone.
    func runGenerate(_ request: GenerateRequest, requestId: String, deadline: Deadline,
                     cancellation: CancellationFlag?, onProgress: (@Sendable (ProgressResponse) -> Void)?) throws(PipelineError) -> GenerateResponse {
        let finished = CancellationFlag()
        let poller = Thread { [backboneControl] in
            var sentCancel = false
            var from: Int32 = 0
            while !finished.isCancelled {
                if let c = cancellation, c.isCancelled, !sentCancel {
                    var cr = CancelRequest()
                    cr.requestId = requestId
                    let _: CancelResponse? = try? backboneControl.call(Methods.Backbone.cancel, cr, deadline: .afterMilliseconds(2000))
                    sentCancel = true
                }
                if let onProgress {
                    var pr = ProgressRequest()
                    pr.requestId = requestId
                    pr.fromToken = from
                    if let p: ProgressResponse = try? backboneControl.call(Methods.Backbone.progress, pr, deadline: .afterMilliseconds(2000)) {
                        from += Int32(p.newIds.count)
                        onProgress(p)
                    }
                }
                usleep(onProgress == nil ? 50_000 : 150_000)
            }
        }
        poller.start()
        defer { finished.cancel() }
        do {
            return try backbone.call(Methods.Backbone.generate, request, deadline: deadline, requestId: requestId)
        } catch {
            if cancellation?.isCancelled == true || error.code == .cancelled { throw .cancelled }
            throw .service("backbone", error)
        }
    }

    func service<T>(_ name: String, _ body: () throws(RPCError) -> T) throws(PipelineError) -> T {
        do { return try body() } catch { throw .service(name, error) }
    }
}
