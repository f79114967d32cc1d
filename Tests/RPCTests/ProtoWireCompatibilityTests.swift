// Emu3Proto against hand-built wire bytes (the protobuf encoding spec), standing in for bytes
// from another implementation: tags 0x0a/0x12/0x18/0x22 are fields 1–4 of RpcRequest.
import Emu3Proto
import Testing

@Suite("Emu3Proto wire compatibility")
struct ProtoWireCompatibilityTests {
    /// method "/a/B", request_id "r1", deadline_unix_ms 1,700,000,000,000, payload [1, 2, 3].
    static let envelopeBytes: [UInt8] =
        [0x0A, 0x04, 0x2F, 0x61, 0x2F, 0x42]
        + [0x12, 0x02, 0x72, 0x31]
        + [0x18, 0x80, 0xD0, 0x95, 0xFF, 0xBC, 0x31]
        + [0x22, 0x03, 0x01, 0x02, 0x03]
    static let envelope = RpcRequest(method: "/a/B", requestId: "r1", deadlineUnixMs: 1_700_000_000_000, payload: [1, 2, 3])

    @Test func handBuiltEnvelopeDecodes() throws {
        #expect(try RpcRequest(serializedBytes: Self.envelopeBytes) == Self.envelope)
    }

    @Test func envelopeEncodesToTheCanonicalBytes() {
        #expect(Self.envelope.serializedBytes() == Self.envelopeBytes)
    }

    @Test func fieldOrderDoesNotMatterAndTheLastScalarWins() throws {
        let shuffled: [UInt8] =
            [0x22, 0x03, 0x01, 0x02, 0x03] + [0x18, 0x01] + [0x12, 0x02, 0x72, 0x31]
            + [0x0A, 0x04, 0x2F, 0x61, 0x2F, 0x42] + [0x18, 0x80, 0xD0, 0x95, 0xFF, 0xBC, 0x31]
        #expect(try RpcRequest(serializedBytes: shuffled) == Self.envelope)
    }

    @Test func negativeInt64IsATenByteVarint() throws {
        let bytes: [UInt8] = [0x18] + Array(repeating: 0xFF, count: 9) + [0x01]
        #expect(try RpcRequest(serializedBytes: bytes).deadlineUnixMs == -1)
        #expect(RpcRequest(deadlineUnixMs: -1).serializedBytes() == bytes)
    }

    @Test func repeatedInt32AcceptsPackedAndUnpackedForms() throws {
        // TokenIds.ids = [1, 300]: packed (proto3 default) and one-by-one (also legal).
        let packed: [UInt8] = [0x0A, 0x03, 0x01, 0xAC, 0x02]
        let unpacked: [UInt8] = [0x08, 0x01, 0x08, 0xAC, 0x02]
        #expect(try TokenIds(serializedBytes: packed).ids == [1, 300])
        #expect(try TokenIds(serializedBytes: unpacked).ids == [1, 300])
        #expect(TokenIds(ids: [1, 300]).serializedBytes() == packed)
    }

    @Test func subMessageIsLengthDelimited() throws {
        // GenerateRequest.layout (field 4) = ImageLayout{height: 2, width: 3}.
        let bytes: [UInt8] = [0x22, 0x04, 0x08, 0x02, 0x10, 0x03]
        #expect(try GenerateRequest(serializedBytes: bytes).layout == ImageLayout(height: 2, width: 3))
        #expect(GenerateRequest(layout: ImageLayout(height: 2, width: 3)).serializedBytes() == bytes)
    }

    @Test func floatAndDoubleAreLittleEndianFixedWidth() throws {
        // SamplingParams.temperature (field 2, fixed32) = 0.5; TokenLogProbs.total (field 2, fixed64) = -2.0.
        #expect(try SamplingParams(serializedBytes: [0x15, 0x00, 0x00, 0x00, 0x3F]).temperature == 0.5)
        #expect(try TokenLogProbs(serializedBytes: [0x11, 0, 0, 0, 0, 0, 0, 0x00, 0xC0]).total == -2.0)
    }
}
