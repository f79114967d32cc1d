import CKernels

/// Owns a block of aligned bytes (weights built in memory: tests, converted tensors).
public final class WeightBuffer: @unchecked Sendable {
    // Written only during `init`; read-only afterwards.
    let pointer: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    deinit { pointer.deallocate() }
}

/// A read-only matrix of weights [rows, cols] in F32, BF16 or F16, row-major and contiguous
/// (row stride = cols). It points into memory kept alive by `owner` (an mmapped file or a
/// `WeightBuffer`): the view is valid as long as the value exists, and never copies the data.
public struct WeightMatrix: @unchecked Sendable {
    /// Element type as stored.
    public let dtype: DType
    /// Number of rows (a Linear layer's output features).
    public let rows: Int
    /// Number of columns (a Linear layer's input features).
    public let cols: Int
    let base: UnsafeRawPointer
    // Keeps the memory behind `base` alive; immutable.
    let owner: AnyObject

    /// Wraps existing memory without copying.
    /// - Parameters:
    ///   - owner: the object whose lifetime bounds the memory (it is retained).
    ///   - base: the first element; must hold `rows·cols·dtype.byteSize` readable bytes while
    ///     `owner` is alive, and stay unmodified.
    public init(owner: AnyObject, base: UnsafeRawPointer, dtype: DType, rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "negative weight shape [\(rows), \(cols)]")
        self.owner = owner
        self.base = base
        self.dtype = dtype
        self.rows = rows
        self.cols = cols
    }

    /// Copies Float32 values into a new F32 matrix, or rounds them (nearest even) to BF16/F16.
    /// - Precondition: `values.count == rows * cols`.
    public init(values: [Float], rows: Int, cols: Int, dtype: DType = .f32) {
        precondition(values.count == rows * cols, "\(values.count) values for [\(rows), \(cols)]")
        let buffer = WeightBuffer(byteCount: values.count * dtype.byteSize)
        switch dtype {
        case _ where values.isEmpty:
            break
        case .f32:
            values.withUnsafeBytes { buffer.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        case .bf16, .f16:
            let bits = dtype == .bf16 ? HalfConversion.bf16Bits(values) : HalfConversion.f16Bits(values)
            bits.withUnsafeBytes { buffer.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        self.init(owner: buffer, base: UnsafeRawPointer(buffer.pointer), dtype: dtype, rows: rows, cols: cols)
    }

    /// Copies raw little-endian bytes of `dtype` into new aligned memory.
    /// - Precondition: `bytes.count == rows * cols * dtype.byteSize`.
    public init(copying bytes: UnsafeRawBufferPointer, dtype: DType, rows: Int, cols: Int) {
        precondition(bytes.count == rows * cols * dtype.byteSize, "\(bytes.count) bytes for [\(rows), \(cols)] \(dtype)")
        let buffer = WeightBuffer(byteCount: bytes.count)
        if let src = bytes.baseAddress { buffer.pointer.copyMemory(from: src, byteCount: bytes.count) }
        self.init(owner: buffer, base: UnsafeRawPointer(buffer.pointer), dtype: dtype, rows: rows, cols: cols)
    }

    /// The same memory viewed as [rows, cols] (same element count).
    public func reshaped(rows: Int, cols: Int) -> WeightMatrix {
        precondition(rows * cols == self.rows * self.cols, "reshape [\(self.rows), \(self.cols)] → [\(rows), \(cols)]")
        return WeightMatrix(owner: owner, base: base, dtype: dtype, rows: rows, cols: cols)
    }

    /// Whether both views start at the same memory.
    public func sharesStorage(with other: WeightMatrix) -> Bool { base == other.base }

    /// Bytes spanned by the matrix.
    public var byteCount: Int { rows * cols * dtype.byteSize }

    /// Row `r` widened to Float32.
    public func row(_ r: Int) -> [Float] {
        precondition(r >= 0 && r < rows, "row \(r) out of 0..<\(rows)")
        var out = [Float](repeating: 0, count: cols)
        out.withUnsafeMutableBufferPointer { widenRow(r, into: $0.baseAddress!) }
        return out
    }

    /// All elements widened to Float32, row-major (for tests and small matrices).
    public func floats() -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        out.withUnsafeMutableBufferPointer {
            emu3_convert_to_f32(dtype.cType, base, $0.baseAddress, rows * cols)
        }
        return out
    }

    /// Widens row `r` into `dst[0..<cols]`.
    func widenRow(_ r: Int, into dst: UnsafeMutablePointer<Float>) {
        emu3_convert_to_f32(dtype.cType, base + r * cols * dtype.byteSize, dst, cols)
    }

    /// Widens rows `[start, start+count)` into `dst` ([count, cols] row-major).
    func widenRows(_ start: Int, count: Int, into dst: UnsafeMutablePointer<Float>) {
        emu3_convert_to_f32(dtype.cType, base + start * cols * dtype.byteSize, dst, count * cols)
    }
}
