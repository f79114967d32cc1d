// What a single file and a sharded checkpoint share: name → tensor lookup, raw and aligned
// byte access, conversion to Float, and the loader checks a model runs against its config.

/// A read-only set of named tensors (`SafeTensorsFile` or `SafeTensorsCheckpoint`).
public protocol SafeTensorsStore: AnyObject, Sendable {
    /// Every tensor name.
    var tensorNames: [String] { get }
    /// The validated facts about tensor `name`; throws `.tensorNotFound`.
    func info(_ name: String) throws(SafeTensorsError) -> TensorInfo
    /// Calls `body` with the tensor's bytes in place (possibly unaligned for the dtype).
    func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
}

extension SafeTensorsStore {
    /// Calls `body` with the tensor's bytes at an address aligned for its dtype: in place
    /// when the file's layout allows it, else from a temporary aligned copy. Use this before
    /// `assumingMemoryBound`/`bindMemory`; never do misaligned typed loads (test E7).
    public func withAlignedRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let alignment = try info(name).dtype.byteSize
        return try withRawBytes(name) { bytes in
            if let base = bytes.baseAddress, UInt(bitPattern: base) % UInt(alignment) != 0 {
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: alignment)
                defer { copy.deallocate() }
                copy.copyMemory(from: bytes)
                return try body(UnsafeRawBufferPointer(copy))
            }
            return try body(bytes)
        }
    }

    /// The tensor's values as `Float`, converted from F32, F16 or BF16 (exactly: every
    /// F16 and BF16 value is representable in F32).
    /// - Throws: `.tensorNotFound`, `.unsupportedConversion` for other dtypes.
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
        let info = try info(name)
        let count = info.elementCount
        let convert: (UnsafeRawBufferPointer) -> [Float]
        switch info.dtype {
        case .f32:
            convert = { bytes in
                [Float](unsafeUninitializedCapacity: count) { out, initialised in
                    if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: bytes) }
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
                    initialised = count
                }
            }
        case .f16:
            convert = { bytes in
                (0..<count).map { i in
                    Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                }
            }
        case .bf16:
            // bfloat16 is the upper half of an IEEE binary32.
            convert = { bytes in
                (0..<count).map { i in
                    Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            }
        default:
            throw .unsupportedConversion(name: name, dtype: info.dtype)
        }
        do {
            return try withRawBytes(name, convert)
        } catch {
            preconditionFailure("withRawBytes failed after info succeeded: \(error)")
        }
    }

    /// Checks that tensor `name` exists with one of `dtypes` and exactly `shape`; returns
    /// its info. Loaders call this for every tensor the model config implies (test E6).
    /// - Throws: `.tensorNotFound`, `.dtypeMismatch`, `.shapeMismatch`.
    @discardableResult
    public func require(
        _ name: String, shape: [Int], dtypes: Set<SafeTensorsDType>
    ) throws(SafeTensorsError) -> TensorInfo {
        let info = try info(name)
        guard dtypes.contains(info.dtype) else {
            throw .dtypeMismatch(name: name, expected: dtypes.sorted { $0.rawValue < $1.rawValue }, actual: info.dtype)
        }
        guard info.shape == shape else { throw .shapeMismatch(name: name, expected: shape, actual: info.shape) }
        return info
    }

    /// Checks that the tensor names are exactly `expected` (none missing, none extra).
    /// - Throws: `.missingTensors` (checked first) or `.unexpectedTensors`, names sorted.
    public func requireExactTensorNames(_ expected: Set<String>) throws(SafeTensorsError) {
        let actual = Set(tensorNames)
        let missing = expected.subtracting(actual)
        guard missing.isEmpty else { throw .missingTensors(names: missing.sorted()) }
        let extra = actual.subtracting(expected)
        guard extra.isEmpty else { throw .unexpectedTensors(names: extra.sorted()) }
    }
}
