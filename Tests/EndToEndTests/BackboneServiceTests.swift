import Emu3Proto
import Emu3Testing
import Foundation
import RPC
import Testing

/// emu3-backbone as a real process on the committed tiny transformers checkpoint.
@Suite(.serialized) struct BackboneServiceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/backbone")

    static func start(_ checkpoint: String = "gqa-f32", dir: TemporaryDirectory) throws -> ServiceProcess {
        try ServiceProcess(service: "backbone", url: dir.ipcURL("bb"),
                           extraArguments: ["--model", fixtures.appendingPathComponent(checkpoint).path, "--threads", "2"])
    }

    static func goldens() throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("gqa-f32/goldens.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    @Test func generatesGreedyTokensAsTransformersAndReportsProgress() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        let greedy = (try Self.goldens()["greedy"] as! [[String: Any]])[0]
        var request = GenerateRequest()
        request.promptIds = (greedy["prompt"] as! [Int]).map(Int32.init)
        request.maxNewTokens = Int32(greedy["max_new_tokens"] as! Int)
        var sampling = SamplingParams()
        sampling.greedy = true
        request.sampling = sampling
        let id = RPCClient.newRequestId()
        let response: GenerateResponse = try client.call(
            Methods.Backbone.generate, request, deadline: .afterMilliseconds(30_000), requestId: id)
        #expect(response.ids == (greedy["ids"] as! [Int]).map(Int32.init))
        #expect(response.finishReason == .maxTokens && response.promptTokens == Int32(request.promptIds.count))
        // Progress after the end: DONE, every id, and from_token slicing.
        var pr = ProgressRequest()
        pr.requestId = id
        pr.fromToken = 5
        let progress: ProgressResponse = try client.call(Methods.Backbone.progress, pr, deadline: .afterMilliseconds(2000))
        #expect(progress.state == .done && progress.tokensDone == 12 && progress.newIds == Array(response.ids[5...]))
        // Cancel of a finished or unknown job finds nothing; Progress of an unknown id is NOT_FOUND.
        var cr = CancelRequest()
        cr.requestId = id
        let cancel: CancelResponse = try client.call(Methods.Backbone.cancel, cr, deadline: .afterMilliseconds(2000))
        #expect(!cancel.found)
        pr.requestId = "no-such-request"
        do {
            let _: ProgressResponse = try client.call(Methods.Backbone.progress, pr, deadline: .afterMilliseconds(2000))
            Issue.record("unknown request_id answered")
        } catch {
            #expect(error.code == .notFound)
        }
        let info = try client.info(deadline: .afterMilliseconds(2000))
        #expect(info.details.contains { $0.key == "weights.dtype" && $0.value == "F32" })
        #expect(p.stop() == 0)
    }

    @Test func imageLayoutWithCFGAndScoring() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url, options: .longRunning)
        let g = try Self.goldens()
        let cfg = g["cfg_layout"] as! [String: Any]
        var request = GenerateRequest()
        request.promptIds = (cfg["prompt"] as! [Int]).map(Int32.init)
        request.negativePromptIds = (cfg["negative"] as! [Int]).map(Int32.init)
        var layout = ImageLayout()
        layout.height = 3
        layout.width = 4
        request.layout = layout
        request.maxNewTokens = 100
        var sampling = SamplingParams()
        sampling.greedy = true
        sampling.cfgScale = 3
        request.sampling = sampling
        let response: GenerateResponse = try client.call(Methods.Backbone.generate, request, deadline: .afterMilliseconds(30_000))
        #expect(response.ids == (cfg["greedy_ids"] as! [Int]).map(Int32.init))
        #expect(response.finishReason == .layoutComplete)

        let score = g["score"] as! [String: Any]
        var item = Emu3Proto.ScoreItem()
        item.contextIds = (score["context"] as! [Int]).map(Int32.init)
        item.continuationIds = (score["continuation"] as! [Int]).map(Int32.init)
        var sr = ScoreRequest()
        sr.items = [item, item]
        let scored: ScoreResponse = try client.call(Methods.Backbone.score, sr, deadline: .afterMilliseconds(30_000))
        let golden = (score["logprobs"] as! [Double]).map(Float.init)
        #expect(scored.results.count == 2)
        #expect(zip(scored.results[0].logprobs, golden).allSatisfy { abs($0 - $1) < 2e-4 })
        #expect(p.stop() == 0)
    }

    @Test func badRequestsAreInvalidArgument() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try Self.start(dir: dir)
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url)
        func code(_ mutate: (inout GenerateRequest) -> Void) -> StatusCode? {
            var r = GenerateRequest()
            r.promptIds = [157, 3]
            r.maxNewTokens = 4
            mutate(&r)
            do {
                let _: GenerateResponse = try client.call(Methods.Backbone.generate, r, deadline: .afterMilliseconds(5000))
                return .ok
            } catch {
                return error.code
            }
        }
        #expect(code { _ in } == .ok)
        #expect(code { $0.promptIds = [157, 290] } == .invalidArgument)
        #expect(code { $0.promptIds = [-1] } == .invalidArgument)
        #expect(code { $0.maxNewTokens = 0 } == .invalidArgument)
        #expect(code { $0.maxNewTokens = 1000 } == .invalidArgument)  // past the 256-token context
        #expect(code { $0.sampling = SamplingParams(); $0.sampling!.topK = -2 } == .invalidArgument)
        #expect(code { $0.sampling = SamplingParams(); $0.sampling!.temperature = -1 } == .invalidArgument)
        #expect(code { $0.sampling = SamplingParams(); $0.sampling!.topP = 1.5 } == .invalidArgument)
        #expect(code {
            $0.negativePromptIds = [157]
            $0.sampling = SamplingParams()
            $0.sampling!.cfgScale = .nan
        } == .invalidArgument)
        #expect(code { $0.layout = ImageLayout(); $0.layout!.height = 2; $0.layout!.width = 2 } == .invalidArgument)
        #expect(p.stop() == 0)
    }

    @Test func corruptWeightsNeverBecomeReady() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let model = URL(fileURLWithPath: dir.path).appendingPathComponent("model")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("gqa-f32"), to: model)
        let file = model.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count / 2).write(to: file)
        let p = try ServiceProcess(service: "backbone", url: dir.ipcURL("bb"), extraArguments: ["--model", model.path])
        #expect(throws: (any Error).self) { try p.waitUntilServing(timeoutMs: 10_000) }
        p.process.waitUntilExit()
        #expect(p.process.terminationStatus == 3)
        #expect(p.stderr.contains("model.safetensors"))
    }
}
