// Round trips of every emu3.v1 message through protobuf-c (Emu3Proto).
import Emu3Proto
import Testing

/// Encodes and decodes `message`; returns the wire bytes and the decoded value.
private func roundTrip<M: ProtoMessage>(_ message: M) throws -> (bytes: [UInt8], decoded: M) {
    let bytes = message.serializedBytes()
    return (bytes, try M(serializedBytes: bytes))
}

private func survivesRoundTrip<M: ProtoMessage>(_ message: M) throws -> Bool {
    let (bytes, decoded) = try roundTrip(message)
    // Only the two field-less messages may encode to nothing.
    return decoded == message && (bytes.isEmpty == (message == M()))
}

private func defaultsAreEmptyOnTheWire<M: ProtoMessage>(_: M) throws -> Bool {
    try M(serializedBytes: []) == M() && M().serializedBytes().isEmpty
}

@Suite("Emu3Proto round trips")
struct ProtoRoundTripTests {
    @Test func everyMessageTypeHasASample() {
        #expect(protoSamples.count == 38)
        #expect(Set(protoSamples.map(\.name)).count == protoSamples.count)
    }

    @Test(arguments: protoSamples)
    func nonDefaultValuesSurviveARoundTrip(sample: ProtoSample) throws {
        #expect(try survivesRoundTrip(sample.message))
    }

    @Test(arguments: protoSamples)
    func defaultsEncodeToNothingAndDecodeFromNothing(sample: ProtoSample) throws {
        #expect(try defaultsAreEmptyOnTheWire(sample.message))
    }

    @Test func absentAndPresentSubMessagesStayDistinct() throws {
        let absent = GenerateRequest(promptIds: [1])
        #expect(try roundTrip(absent).decoded.layout == nil)
        #expect(try roundTrip(absent).decoded.sampling == nil)
        // A present but all-default sub-message is still present on the wire (an empty field).
        let present = GenerateRequest(promptIds: [1], layout: ImageLayout())
        let decoded = try roundTrip(present).decoded
        #expect(decoded.layout == ImageLayout())
        #expect(decoded.sampling == nil)
        #expect(decoded != absent)
    }

    @Test func largeRepeatedInt32RoundTrips() throws {
        let ids = (0..<200_000).map { Int32(truncatingIfNeeded: $0 &* 2_654_435_761) }
        let request = GenerateRequest(promptIds: ids, negativePromptIds: [], stopIds: [])
        let (bytes, decoded) = try roundTrip(request)
        #expect(decoded.promptIds == ids)
        #expect(decoded.negativePromptIds.isEmpty)
        #expect(bytes.count > ids.count)  // packed varints, ≥ 1 byte each
    }

    @Test func unicodeStringsRoundTripExactly() throws {
        let texts = [
            "", "a", "é", "e\u{301}", "𝄞", "🙂‍↕️", "\u{FFFD}", "\u{10FFFF}", "日本語テキスト",
            String(repeating: "ж", count: 10_000),
        ]
        let decoded = try roundTrip(EncodeRequest(texts: texts)).decoded
        // Compare scalars: String equality is canonical equivalence, not byte equality.
        #expect(decoded.texts.map { Array($0.unicodeScalars) } == texts.map { Array($0.unicodeScalars) })
    }

    @Test func bytesFieldsCarryAnyByte() throws {
        let all = (0...255).map { UInt8($0) }
        #expect(try roundTrip(RpcRequest(method: "/m", payload: all)).decoded.payload == all)
        let frames: [[UInt8]] = [all, [], [0], all.reversed()]
        #expect(try roundTrip(EncodeVideoRequest(framesPng: frames)).decoded.framesPng == frames)
    }

    @Test func unknownEnumValuesAreKeptNotCrashed() throws {
        // status = 7 (field 1, varint): a value from a newer peer.
        let bytes: [UInt8] = [0x08, 0x07]
        let response = try HealthCheckResponse(serializedBytes: bytes)
        #expect(response.status == .unrecognized(7))
        #expect(response.serializedBytes() == bytes)
        // A negative enum value travels as a 10-byte varint.
        let negative = GenerateResponse(finishReason: .unrecognized(-2))
        #expect(try roundTrip(negative).decoded.finishReason.rawValue == -2)
        #expect(ProgressResponse.State(rawValue: 5) == .cancelled)
        #expect(GenerateResponse.FinishReason.unrecognized(1) == .eos)
    }

    @Test func nulCharactersAreReplacedWhenEncodingNotTruncated() throws {
        let decoded = try roundTrip(RpcReply(message: "ab\u{0}cd")).decoded
        #expect(decoded.message == "ab\u{FFFD}cd")
    }

    @Test func floatSpecialValuesRoundTrip() throws {
        let logprobs: [Float] = [.nan, -.infinity, -0.0, .leastNonzeroMagnitude]
        let decoded = try roundTrip(TokenLogProbs(logprobs: logprobs)).decoded
        #expect(decoded.logprobs.map(\.bitPattern) == logprobs.map(\.bitPattern))
    }
}
