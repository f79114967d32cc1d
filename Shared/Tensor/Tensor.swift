// A dense, row-major Float32 tensor with copy-on-write storage.
//
// Layout rule for the whole library: row-major, the last index is fastest; a "matrix"
// [r, c] has element (i, j) at i·c + j. Linear weights are [out, in] (y = W·x). Storage is
// 64-byte aligned so vector kernels never straddle cache lines at row starts.

/// Errors thrown by `Tensor` constructors when the element count does not match the shape.
public enum TensorError: Error, Equatable, Sendable {
    /// `values.count` differs from the product of `shape`.
    case countMismatch(shape: [Int], count: Int)
    /// A dimension is negative.
    case negativeDimension(shape: [Int])
}

/// Aligned Float32 storage owned by one or more `Tensor` values (copy on write).
final class TensorStorage: @unchecked Sendable {
    // Mutated only through `Tensor`'s mutating accessors after a uniqueness check.
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        let bytes = max(capacity, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
        pointer.initialize(repeating: 0, count: max(capacity, 1))
    }

    func copy() -> TensorStorage {
        let s = TensorStorage(capacity: capacity)
        s.pointer.update(from: pointer, count: capacity)
        return s
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

/// A dense Float32 tensor (row-major, copy-on-write).
public struct Tensor: Sendable {
    /// The dimensions, outermost first.
    public private(set) var shape: [Int]
    var storage: TensorStorage

    /// Number of elements (product of `shape`).
    public var count: Int { shape.reduce(1, *) }

    /// A zero-filled tensor.
    /// - Parameter shape: dimensions, each ≥ 0 (checked with `precondition`: shapes come from code).
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        storage = TensorStorage(capacity: shape.reduce(1, *))
    }

    /// A tensor holding `values` in row-major order.
    /// - Throws: `TensorError.countMismatch` when `values.count` is not the product of `shape`.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError.negativeDimension(shape: shape) }
        guard shape.reduce(1, *) == values.count else {
            throw TensorError.countMismatch(shape: shape, count: values.count)
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Element at a full multi-index (slow; for tests and small reads).
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[flatIndex(index)] }
        set {
            makeUnique()
            storage.pointer[flatIndex(index)] = newValue
        }
    }

    /// The same elements under a new shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "reshape \(shape) → \(newShape) changes the count")
        var t = self
        t.shape = newShape
        return t
    }

    /// Changes the shape in place, reallocating (zero-filled) only when the capacity is too small.
    /// Contents are unspecified afterwards unless the capacity sufficed. Used for scratch buffers.
    public mutating func resize(to newShape: [Int]) {
        let n = newShape.reduce(1, *)
        if n > storage.capacity || !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(capacity: max(n, storage.capacity))
        }
        shape = newShape
    }

    /// Read access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Write access to the elements (copies the storage first if it is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index rank \(index.count) ≠ tensor rank \(shape.count)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of bounds for \(shape)")
            flat = flat * d + i
        }
        return flat
    }
}
