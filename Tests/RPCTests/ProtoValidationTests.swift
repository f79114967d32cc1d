// Hostile and malformed wire bytes into Emu3Proto (RELIABILITY.md §3.1, tests B1–B6, B9).
import Emu3Proto
import Testing

/// A length-delimited field: tag byte, one-byte length, body.
private func field(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
    precondition(body.count < 128)
    return [tag, UInt8(body.count)] + body
}

/// Deterministic SplitMix64, so a failing input can be reproduced.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func isMalformed(_ error: ProtoDecodingError) -> Bool {
    if case .malformed = error { return true }
    return false
}

@Suite("Emu3Proto validation")
struct ProtoValidationTests {
    // MARK: - Strings (B6)

    @Test(arguments: [
        [0x61, 0xFF] as [UInt8],  // not UTF-8 at all
        [0xC0, 0xAF],  // overlong "/"
        [0xE0, 0x80, 0xAF],  // overlong, 3 bytes
        [0xED, 0xA0, 0x80],  // lone surrogate U+D800
        [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
        [0xE6, 0x97],  // truncated sequence
        [0x80],  // lone continuation byte
    ])
    func invalidUTF8InAStringIsRejectedByName(body: [UInt8]) {
        #expect(throws: ProtoDecodingError.invalidUTF8(field: "method")) {
            try RpcRequest(serializedBytes: field(0x0A, body))
        }
    }

    @Test func embeddedNULIsRejectedNotTruncated() {
        // protobuf-c alone would accept this and hand back "ab".
        #expect(throws: ProtoDecodingError.embeddedNUL(field: "request_id")) {
            try RpcRequest(serializedBytes: field(0x0A, Array("/m".utf8)) + field(0x12, [0x61, 0x62, 0x00, 0x63, 0x64]))
        }
        #expect(throws: ProtoDecodingError.embeddedNUL(field: "service")) {
            try HealthCheckRequest(serializedBytes: field(0x0A, [0x00]))
        }
    }

    @Test func everyElementOfARepeatedStringIsChecked() {
        let bytes = field(0x0A, Array("fine".utf8)) + field(0x0A, [0x61, 0xFE]) + [0x10, 0x01]
        #expect(throws: ProtoDecodingError.invalidUTF8(field: "texts")) {
            try EncodeRequest(serializedBytes: bytes)
        }
    }

    @Test func stringsInsideSubMessagesAreChecked() {
        let goodPair = field(0x0A, Array("k".utf8)) + field(0x12, Array("v".utf8))
        let badKey = field(0x0A, [0x6B, 0xC3])  // truncated "é"
        let badValue = field(0x12, [0x76, 0x00])
        #expect(throws: ProtoDecodingError.invalidUTF8(field: "png_text.key")) {
            try DecodeImageRequest(serializedBytes: field(0x12, goodPair) + field(0x12, badKey))
        }
        #expect(throws: ProtoDecodingError.embeddedNUL(field: "png_text.value")) {
            try DecodeImageRequest(serializedBytes: field(0x12, badValue))
        }
        #expect(throws: ProtoDecodingError.invalidUTF8(field: "details.value")) {
            try InfoResponse(serializedBytes: field(0x52, field(0x12, [0xFF])))
        }
    }

    @Test func bytesFieldsAreNotCheckedAsText() throws {
        let request = try RpcRequest(serializedBytes: field(0x22, [0x00, 0xFF, 0xC0, 0xAF]))
        #expect(request.payload == [0x00, 0xFF, 0xC0, 0xAF])
        let video = try EncodeVideoRequest(serializedBytes: field(0x0A, [0]) + field(0x0A, [0xFF]))
        #expect(video.framesPng == [[0], [0xFF]])
    }

    @Test func unknownFieldsAreIgnoredEvenWithBinaryContent() throws {
        // Field 15, length-delimited, holding non-UTF-8 bytes; field 16 varint (B9).
        let bytes = field(0x0A, Array("/m".utf8)) + field(0x7A, [0xFF, 0x00]) + [0x80, 0x01, 0x05]
        #expect(try RpcRequest(serializedBytes: bytes) == RpcRequest(method: "/m"))
    }

    // MARK: - Framing (B3–B5)

    @Test(arguments: [
        ([0x0A, 0x05, 0x61] as [UInt8], "length past the end"),
        ([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "length of 2^32 - 1"),
        ([0x0A, 0x80, 0x80, 0x80, 0x80, 0x08], "length of 2^31"),
        ([0x18] + Array(repeating: 0xFF, count: 10) + [0x01], "11-byte varint"),
        ([0x18, 0x80], "truncated varint"),
        ([0x00, 0x01], "field number 0"),
        ([0x1B, 0x1C], "group wire types 3/4"),
        ([0x1E, 0x00], "wire type 6"),
        ([0x19, 0x01, 0x02], "truncated fixed64"),
        ([0x1D, 0x01], "truncated fixed32"),
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "6-byte tag"),
        ([0x08, 0x01], "method sent as a varint (wrong wire type)"),
        ([0x1A, 0x00], "deadline sent length-delimited (wrong wire type)"),
    ])
    func malformedFramingIsMalformed(bytes: [UInt8], why: String) {
        do {
            _ = try RpcRequest(serializedBytes: bytes)
            Issue.record("accepted: \(why)")
        } catch {
            #expect(isMalformed(error), "\(why): \(error)")
        }
    }

    @Test func malformedSubMessageIsMalformed() {
        // layout (field 4) holding a length that runs past its own end.
        #expect(throws: ProtoDecodingError.self) { try GenerateRequest(serializedBytes: field(0x22, [0x0A, 0x09])) }
        do {
            _ = try GenerateRequest(serializedBytes: field(0x22, [0x0A, 0x09]))
        } catch {
            #expect(isMalformed(error))
        }
    }

    @Test func deeplyNestedUnknownFieldsDoNotRecurse() throws {
        // 10,000 levels of unknown field 15 wrapping itself: skipped by length, never parsed.
        var body: [UInt8] = []
        for _ in 0..<10_000 {
            var length = UInt64(body.count)
            var prefix: [UInt8] = [0x7A]
            while length >= 0x80 {
                prefix.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            prefix.append(UInt8(length))
            body = prefix + body
        }
        #expect(try RpcRequest(serializedBytes: body) == RpcRequest())
    }

    // MARK: - Fuzz-style (B1, B2)

    @Test func everyTruncationOfAValidEnvelopeDecodesOrIsMalformed() throws {
        let full = RpcRequest(
            method: "/emu3.v1.Backbone/Generate", requestId: "réquest-🙂", deadlineUnixMs: 1_700_000_000_000,
            payload: GenerateRequest(promptIds: [1, 2, 3], layout: ImageLayout(height: 4, width: 4)).serializedBytes()
        ).serializedBytes()
        var decodedPrefixes = 0
        for cut in 0..<full.count {
            do {
                _ = try RpcRequest(serializedBytes: Array(full[..<cut]))
                decodedPrefixes += 1
            } catch {
                #expect(isMalformed(error), "cut at \(cut): \(error)")
            }
        }
        #expect(try RpcRequest(serializedBytes: full).method == "/emu3.v1.Backbone/Generate")
        #expect(decodedPrefixes >= 3)  // the cuts that fall on field boundaries, including 0
    }

    @Test func randomBytesNeverCrashAndDecodedValuesReencodeStably() throws {
        var rng = SplitMix64(state: 0x5EED_0001)
        var decoded = 0
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...96, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for check in [checkStable(RpcRequest.self, bytes), checkStable(GenerateRequest.self, bytes),
                          checkStable(DecodeImageRequest.self, bytes), checkStable(InfoResponse.self, bytes)] {
                #expect(check != .unstable)
                if check == .decoded { decoded += 1 }
            }
        }
        #expect(decoded > 0)
    }
}

private enum StabilityCheck { case decoded, rejected, unstable }

/// Decodes `bytes`; if that works, the re-encoded value must decode to the same value.
private func checkStable<M: ProtoMessage>(_: M.Type, _ bytes: [UInt8]) -> StabilityCheck {
    guard let message = try? M(serializedBytes: bytes) else { return .rejected }
    guard let again = try? M(serializedBytes: message.serializedBytes()), again == message else { return .unstable }
    return .decoded
}
