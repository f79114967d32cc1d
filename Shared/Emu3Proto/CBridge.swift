// The C plumbing shared by every message: a Swift value is copied into a temporary
// protobuf-c struct (whose pointers live in a `CArena`) and packed with
// `protobuf_c_message_pack`; wire bytes are validated (`WireValidator`), unpacked with
// `protobuf_c_message_unpack`, copied out into Swift values, and freed.
internal import CEmu3Proto

/// A Swift message backed by one protobuf-c generated struct.
protocol CBridged {
    /// The protobuf-c struct, e.g. `Emu3__V1__RpcRequest`.
    associatedtype CMessage
    /// A C message set to proto3 defaults by the generated `__init` function (this also
    /// sets `base.descriptor`, which is how we reach the descriptor).
    static func cDefault() -> CMessage
    /// Copies a C message that protobuf-c unpacked (strings already validated).
    init(c: CMessage)
    /// Writes this value into `c`; every pointer it stores comes from `arena`.
    func fill(_ c: inout CMessage, _ arena: CArena)
}

/// Runs a generated `__init` function on fresh memory and returns the initialised struct.
func cInitialised<T>(_ initialise: (UnsafeMutablePointer<T>) -> Void) -> T {
    let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
    defer { p.deallocate() }
    initialise(p)  // the generated init copies a whole static initialiser into *p
    return p.move()
}

extension CBridged {
    /// The message's protobuf-c descriptor (static storage in CEmu3Proto).
    static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        let c = cDefault()
        let base = withUnsafeBytes(of: c) { $0.load(as: ProtobufCMessage.self) }
        return base.descriptor
    }

    /// The full proto name, e.g. `emu3.v1.RpcRequest`.
    static var protoName: String { String(cString: cDescriptor.pointee.name) }

    /// Packs `self` through protobuf-c.
    func encodeWithProtobufC() -> [UInt8] {
        let arena = CArena()
        return withExtendedLifetime(arena) {
            var c = Self.cDefault()
            fill(&c, arena)
            return withUnsafePointer(to: &c) { p -> [UInt8] in
                // `ProtobufCMessage base` is the first member of every generated struct.
                let message = UnsafeRawPointer(p).assumingMemoryBound(to: ProtobufCMessage.self)
                let size = protobuf_c_message_get_packed_size(message)
                guard size > 0 else { return [] }
                return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    count = protobuf_c_message_pack(message, buffer.baseAddress!)
                    precondition(count == size, "protobuf-c packed \(count) bytes, promised \(size)")
                }
            }
        }
    }

    /// Validates the strings in `bytes`, then unpacks them through protobuf-c.
    static func decodeWithProtobufC(_ bytes: [UInt8]) throws(ProtoDecodingError) -> Self {
        let descriptor = cDescriptor
        try WireValidator.validate(bytes, descriptor: descriptor)
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(descriptor, nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw .malformed(message: "protobuf-c could not unpack \(protoName) (\(bytes.count) bytes)")
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return Self(c: UnsafeRawPointer(unpacked).load(as: CMessage.self))
    }
}

// MARK: - Swift to C

/// Owns the memory that a C message built for packing points into; frees it all at once.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit {
        for block in blocks { block.deallocate() }
    }

    private func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, count * MemoryLayout<T>.stride), alignment: MemoryLayout<T>.alignment)
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated UTF-8 copy of `string`; NULs inside it become U+FFFD (see
    /// `ProtoMessage.serializedBytes()`).
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var utf8 = Array(string.utf8)
        if utf8.contains(0) {
            utf8 = utf8.flatMap { $0 == 0 ? [0xEF, 0xBF, 0xBD] : [$0] }
        }
        let p = allocate(CChar.self, count: utf8.count + 1)
        for (i, byte) in utf8.enumerated() { p[i] = CChar(bitPattern: byte) }
        p[utf8.count] = 0
        return p
    }

    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: bytes.count, data: array(bytes))
    }

    /// A copy of a trivial array (numbers); nil when empty.
    func array<T: BitwiseCopyable>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(T.self, count: values.count)
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return p
    }

    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        array(values.map { Optional(string($0)) })
    }

    func byteArrays(_ values: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData>? {
        array(values.map { bytes($0) })
    }

    /// A C copy of a present sub-message; nil when absent.
    func message<M: CBridged>(_ value: M?) -> UnsafeMutablePointer<M.CMessage>? {
        guard let value else { return nil }
        let p = allocate(M.CMessage.self, count: 1)
        p.initialize(to: M.cDefault())
        value.fill(&p.pointee, self)
        return p
    }

    func messages<M: CBridged>(_ values: [M]) -> UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(UnsafeMutablePointer<M.CMessage>?.self, count: values.count)
        for (i, value) in values.enumerated() { (p + i).initialize(to: message(value)) }
        return p
    }
}

// MARK: - C to Swift

/// Copies out of a message that protobuf-c unpacked (and that is freed right after).
enum CRead {
    static func string(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)  // validated UTF-8 without NUL, so this copies exactly
    }

    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        array(data.data, data.len)
    }

    static func array<T>(_ p: UnsafePointer<T>?, _ count: Int) -> [T] {
        guard let p, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: count))
    }

    static func strings(_ p: UnsafePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
        array(p, count).map { string($0) }
    }

    static func byteArrays(_ p: UnsafePointer<ProtobufCBinaryData>?, _ count: Int) -> [[UInt8]] {
        array(p, count).map { bytes($0) }
    }

    static func message<M: CBridged>(_ p: UnsafePointer<M.CMessage>?) -> M? {
        p.map { M(c: $0.pointee) }
    }

    static func messages<M: CBridged>(_ p: UnsafePointer<UnsafeMutablePointer<M.CMessage>?>?, _ count: Int) -> [M] {
        // protobuf-c never stores NULL elements; a NULL would be a broken invariant.
        array(p, count).map { M(c: $0!.pointee) }
    }
}
