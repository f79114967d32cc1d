// One validated, memory-mapped safetensors file.
import Foundation

/// A safetensors file, mapped read-only and validated at `init` (RELIABILITY.md §3.2).
///
/// Opening touches only the header pages; tensor bytes are paged in when read. Views handed
/// to `withRawBytes` are valid only inside the closure; the mapping lives as long as this
/// object.
///
/// `@unchecked Sendable`: every stored property is a `let`, and the mapping is read-only
/// and never changes after `init`.
public final class SafeTensorsFile: SafeTensorsStore, @unchecked Sendable {
    /// Most dimensions a tensor may have (Emu3's largest is 5: VQ conv3d weights).
    public static let maxRank = 8

    /// The file this was read from.
    public let url: URL
    /// Header length N: the data section starts at byte 8 + N.
    public let headerSize: Int
    /// The header's optional `__metadata__` map (e.g. `["format": "pt"]`).
    public let metadata: [String: String]
    /// Tensor names in data-offset order.
    public let tensorNames: [String]

    private let tensors: [String: TensorInfo]
    private let mapping: MappedFile

    /// Maps and validates `url`.
    /// - Throws: `SafeTensorsError` naming the file and, where there is one, the tensor.
    public init(url: URL) throws(SafeTensorsError) {
        self.url = url
        mapping = try MappedFile(path: url.path)
        let header = try SafeTensorsHeader(file: mapping.bytes, path: url.path)
        headerSize = header.headerSize
        metadata = header.metadata
        tensorNames = header.tensors.map(\.name)
        tensors = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0.info) })
    }

    /// The validated facts about tensor `name`.
    /// - Throws: `SafeTensorsError.tensorNotFound`.
    public func info(_ name: String) throws(SafeTensorsError) -> TensorInfo {
        guard let info = tensors[name] else { throw .tensorNotFound(name: name) }
        return info
    }

    /// Whether this file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { tensors[name] != nil }

    /// Calls `body` with the tensor's bytes, in place (zero-copy, little-endian, row-major).
    ///
    /// The bytes may not be aligned for the dtype (a header length N that is not a multiple
    /// of 8 shifts every tensor): load with `loadUnaligned`, or use `withAlignedRawBytes`.
    /// - Throws: `SafeTensorsError.tensorNotFound`, or what `body` throws.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try info(name)
        let start = 8 + headerSize + info.dataRange.lowerBound
        return try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.byteCount)]))
    }

    /// Whether tensor `name` starts at an address aligned for its dtype (so typed,
    /// zero-copy views are legal).
    public func isAligned(_ name: String) throws(SafeTensorsError) -> Bool {
        let info = try info(name)
        guard let base = mapping.bytes.baseAddress else { return true }  // empty file, no tensor bytes
        let address = UInt(bitPattern: base + 8 + headerSize + info.dataRange.lowerBound)
        return address % UInt(info.dtype.byteSize) == 0
    }
}
