// The public face of Emu3Proto: every message of proto/emu3/v1 is a Swift value type that
// conforms to `ProtoMessage`. Encoding and decoding go through protobuf-c (CEmu3Proto);
// decoding first validates every `string` field (UTF-8, no NUL), which protobuf-c 1.4.1
// does not do (RELIABILITY.md §0.5, §3.1).

/// A message of the emu3.v1 wire contract.
///
/// A default-initialised value (`init()`) holds the proto3 defaults: zero numbers, empty
/// strings, bytes and arrays, absent sub-messages, and the zero enum case.
public protocol ProtoMessage: Sendable, Equatable {
    /// Decodes a message from its protobuf wire bytes.
    ///
    /// Every `string` field, at any depth, must be valid UTF-8 with no NUL byte; unknown
    /// fields are accepted and dropped (proto3 semantics).
    /// - Parameter serializedBytes: the wire bytes, e.g. an NNG message body.
    /// - Throws: `ProtoDecodingError`.
    init(serializedBytes: [UInt8]) throws(ProtoDecodingError)

    /// Encodes the message to protobuf wire bytes.
    ///
    /// Strings are written as UTF-8. A NUL character (U+0000) cannot travel through
    /// protobuf-c (it ends a C string) and our decoders reject it, so each NUL is written as
    /// U+FFFD instead of silently truncating the string: callers that may hold NULs (decoded
    /// text) should escape them first.
    /// - Returns: the wire bytes; empty for a message holding only defaults.
    func serializedBytes() -> [UInt8]

    /// A message holding the proto3 defaults.
    init()
}

/// Why wire bytes could not be decoded into a message.
public enum ProtoDecodingError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a valid encoding of the message (bad varint or tag, a length past
    /// the end, a wrong wire type, nesting too deep, or protobuf-c's unpack failed).
    case malformed(message: String)
    /// A `string` field holds bytes that are not valid UTF-8 (including overlong forms and
    /// surrogates). `field` is the proto field name, dotted for nested messages
    /// (e.g. `png_text.key`).
    case invalidUTF8(field: String)
    /// A `string` field contains a NUL byte, which protobuf-c would silently truncate at.
    case embeddedNUL(field: String)

    public var description: String {
        switch self {
        case .malformed(let message): "malformed protobuf message: \(message)"
        case .invalidUTF8(let field): "field '\(field)' is not valid UTF-8"
        case .embeddedNUL(let field): "field '\(field)' contains a NUL character"
        }
    }
}
