// Checks every `string` field of raw wire bytes before protobuf-c sees them: protobuf-c
// 1.4.1 accepts invalid UTF-8 and silently truncates a string at an embedded NUL
// (RELIABILITY.md §0.5, §3.1, test B6). The walk is driven by the message's protobuf-c
// descriptor, so it needs no per-message code. Its framing rules mirror protobuf-c 1.4.1's
// parser (protobuf-c.c: parse_tag_and_wiretype, scan_length_prefixed_data, the varint
// scan), so bytes it rejects as malformed would also fail protobuf-c's unpack.
internal import CEmu3Proto

enum WireValidator {
    /// Sub-message nesting limit. Our schema has no recursive types (its real depth is 2),
    /// so this only bounds the walk's own recursion on hostile input.
    static let maxDepth = 32

    /// Throws the first problem found in `bytes` read as a message of `descriptor`.
    static func validate(
        _ bytes: [UInt8], descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws(ProtoDecodingError) {
        let problem = bytes.withUnsafeBufferPointer { buffer -> ProtoDecodingError? in
            let walker = Walker(bytes: buffer)
            do throws(ProtoDecodingError) {
                try walker.walk(buffer.startIndex..<buffer.endIndex, descriptor, path: "", depth: 0)
                return nil
            } catch {
                return error
            }
        }
        if let problem { throw problem }
    }

    /// Wire types (protobuf encoding spec); 3 and 4 (groups) are unsupported by protobuf-c.
    private enum WireType {
        static let varint: UInt8 = 0
        static let fixed64: UInt8 = 1
        static let lengthDelimited: UInt8 = 2
        static let fixed32: UInt8 = 5
    }

    private struct Walker {
        let bytes: UnsafeBufferPointer<UInt8>

        func walk(
            _ range: Range<Int>, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
            path: String, depth: Int
        ) throws(ProtoDecodingError) {
            guard depth <= WireValidator.maxDepth else {
                throw .malformed(message: "sub-messages nested deeper than \(WireValidator.maxDepth)")
            }
            var position = range.lowerBound
            let end = range.upperBound
            while position < end {
                let tagStart = position
                let (fieldNumber, wireType) = try readTag(&position, end)
                switch wireType {
                case WireType.varint:
                    try skipVarint(&position, end)
                case WireType.fixed64:
                    try skip(8, &position, end, what: "fixed64")
                case WireType.fixed32:
                    try skip(4, &position, end, what: "fixed32")
                case WireType.lengthDelimited:
                    let length = try readLength(&position, end)
                    let body = position..<(position + length)
                    position += length
                    guard let field = protobuf_c_message_descriptor_get_field(descriptor, fieldNumber) else {
                        continue  // unknown field: kept by protobuf-c, not our business
                    }
                    let name = path.isEmpty
                        ? String(cString: field.pointee.name) : path + "." + String(cString: field.pointee.name)
                    if field.pointee.type == PROTOBUF_C_TYPE_STRING {
                        try checkString(body, field: name)
                    } else if field.pointee.type == PROTOBUF_C_TYPE_MESSAGE {
                        let sub = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                        try walk(body, sub, path: name, depth: depth + 1)
                    }
                default:
                    throw .malformed(message: "unsupported wire type \(wireType) at byte \(tagStart)")
                }
            }
        }

        /// A field tag: at most 5 bytes, field number ≥ 1 (as protobuf-c reads it).
        func readTag(_ position: inout Int, _ end: Int) throws(ProtoDecodingError) -> (UInt32, UInt8) {
            let start = position
            let first = bytes[position]
            guard first & 0xF8 != 0 else { throw .malformed(message: "field number 0 at byte \(start)") }
            let wireType = first & 7
            var tag = UInt64(first & 0x7F) >> 3
            var shift: UInt64 = 4
            position += 1
            if first & 0x80 == 0 { return (UInt32(tag), wireType) }
            while position < end, position - start < 5 {
                let byte = bytes[position]
                position += 1
                tag |= UInt64(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { return (UInt32(truncatingIfNeeded: tag), wireType) }
            }
            throw .malformed(message: "bad field tag at byte \(start)")
        }

        /// A varint value: at most 10 bytes.
        func skipVarint(_ position: inout Int, _ end: Int) throws(ProtoDecodingError) {
            let start = position
            while position < end, position - start < 10 {
                let byte = bytes[position]
                position += 1
                if byte & 0x80 == 0 { return }
            }
            throw .malformed(message: "bad varint at byte \(start)")
        }

        func skip(_ count: Int, _ position: inout Int, _ end: Int, what: String) throws(ProtoDecodingError) {
            guard end - position >= count else {
                throw .malformed(message: "truncated \(what) at byte \(position)")
            }
            position += count
        }

        /// A length prefix: at most 5 bytes, at most INT32_MAX, and within `end`.
        func readLength(_ position: inout Int, _ end: Int) throws(ProtoDecodingError) -> Int {
            let start = position
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < end, position - start < 5 else {
                    throw .malformed(message: "bad length prefix at byte \(start)")
                }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { break }
            }
            guard value <= UInt64(Int32.max), Int(value) <= end - position else {
                throw .malformed(message: "length \(value) at byte \(start) runs past the end")
            }
            return Int(value)
        }

        func checkString(_ range: Range<Int>, field: String) throws(ProtoDecodingError) {
            let slice = UnsafeBufferPointer(rebasing: bytes[range])
            // String(validating:) rejects overlong forms, surrogates and code points > U+10FFFF.
            guard String(validating: slice, as: UTF8.self) != nil else { throw .invalidUTF8(field: field) }
            guard !slice.contains(0) else { throw .embeddedNUL(field: field) }
        }
    }
}
