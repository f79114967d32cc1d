import Emu3Proto
import Emu3Testing
import Foundation
import RPC
import Testing

/// The text tokenizer over the wire (issue 3): batched Encode/Decode round trips and each
/// bad input with its status code, the service answering SERVING afterwards.
@Suite(.serialized) struct TextTokenizerServiceTests {
    static func withService(_ body: (RPCClient) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let p = try ServiceProcess(service: "text-tokenizer", url: dir.ipcURL("tt"),
                                   extraArguments: ["--max-batch-items", "4", "--max-batch-bytes", "4096"])
        try p.waitUntilServing()
        let client = try RPCClient(url: p.url)
        try body(client)
        #expect(try client.healthCheck(deadline: .afterMilliseconds(2000)).status == .serving)
        client.close()
        #expect(p.stop() == 0)
    }

    @Test func batchRoundTripsAndBadInputGetTheirCodes() throws {
        try Self.withService { client in
            let texts = ["a red circle on the left", "", "héllo wörld 👋🏽\r\n\ttabs", "<|extra_203|> is plain text here"]
            let encoded: EncodeResponse = try client.call(Methods.TextTokenizer.encode, EncodeRequest(texts: texts),
                                                          deadline: .afterMilliseconds(5000))
            #expect(encoded.results.count == texts.count)
            #expect(encoded.results[1].ids.isEmpty)
            var decode = DecodeRequest()
            decode.sequences = encoded.results
            let decoded: DecodeResponse = try client.call(Methods.TextTokenizer.decode, decode, deadline: .afterMilliseconds(5000))
            #expect(decoded.texts == texts)

            // Invalid UTF-8 in a text (hand-built payload: field 1, length 3, bytes a 0xff b).
            do {
                _ = try client.callRaw(Methods.TextTokenizer.encode, payload: [0x0a, 0x03, 0x61, 0xff, 0x62],
                                       deadline: .afterMilliseconds(5000))
                Issue.record("invalid UTF-8 was accepted")
            } catch let error as RPCError { #expect(error.code == .invalidArgument, "\(error)") }

            // An id outside the vocabulary, named in the message.
            var bad = DecodeRequest()
            bad.sequences = [TokenIds(ids: [1, 9_999_999])]
            do {
                let _: DecodeResponse = try client.call(Methods.TextTokenizer.decode, bad, deadline: .afterMilliseconds(5000))
                Issue.record("an id outside the vocabulary was decoded")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("9999999"), "\(error.message)")
            }

            // Over the batch limits (4 texts, 4096 bytes): RESOURCE_EXHAUSTED, no retry hint.
            for request in [EncodeRequest(texts: Array(repeating: "x", count: 5)),
                            EncodeRequest(texts: [String(repeating: "y", count: 5000)])] {
                do {
                    let _: EncodeResponse = try client.call(Methods.TextTokenizer.encode, request, deadline: .afterMilliseconds(5000))
                    Issue.record("an over-limit batch was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .resourceExhausted, "\(error)")
                    #expect(error.message.contains("limit"), "\(error.message)")
                }
            }
        }
    }
}
