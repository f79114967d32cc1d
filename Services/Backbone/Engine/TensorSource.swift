import Tensor

/// Shape and stored type of one checkpoint tensor.
public struct SourceTensorInfo: Sendable, Equatable {
    /// Stored element type as safetensors spells it ("F32", "BF16", "F16", "I64", …).
    public var dtype: String
    /// Dimensions, outermost first.
    public var shape: [Int]

    public init(dtype: String, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
    }
}

/// Where the engine reads weights from: a memory-mapped safetensors checkpoint, or memory
/// (tests, benchmarks). The engine asks only for the tensors the config implies and keeps
/// 16-bit tensors in their stored type.
public protocol TensorSource: AnyObject {
    /// Every tensor name in the source.
    var tensorNames: [String] { get }
    /// Shape and dtype of `name`, or nil when absent.
    func info(_ name: String) -> SourceTensorInfo?
    /// A zero-copy (or, when the bytes are misaligned, copied) view of `name` as a
    /// [rows, cols] matrix of `dtype`. Called only after `info` matched.
    /// - Throws: `BackboneError.weightsUnreadable` when the bytes cannot be read.
    func matrix(_ name: String, dtype: DType, rows: Int, cols: Int) throws(BackboneError) -> WeightMatrix
}

/// Tensors held in memory: for tests and benchmarks that build weights without files.
public final class InMemoryTensorSource: TensorSource {
    private var tensors: [String: (shape: [Int], matrix: WeightMatrix)] = [:]
    private var extra: [String: SourceTensorInfo] = [:]

    public init() {}

    /// Adds a tensor; `values.count` must equal the product of `shape` (rank 1 or 2).
    public func add(_ name: String, shape: [Int], values: [Float], dtype: DType = .f32) {
        let rows = shape.count == 2 ? shape[0] : 1
        let cols = shape.last ?? 1
        tensors[name] = (shape, WeightMatrix(values: values, rows: rows, cols: cols, dtype: dtype))
    }

    /// Adds an already built matrix under `name` with the given logical shape.
    public func add(_ name: String, shape: [Int], matrix: WeightMatrix) {
        tensors[name] = (shape, matrix)
    }

    /// Declares a tensor of a type the engine cannot use (to test the refusal).
    public func addOpaque(_ name: String, info: SourceTensorInfo) { extra[name] = info }

    /// Removes `name`.
    public func remove(_ name: String) {
        tensors[name] = nil
        extra[name] = nil
    }

    public var tensorNames: [String] { Array(tensors.keys) + Array(extra.keys) }

    public func info(_ name: String) -> SourceTensorInfo? {
        if let t = tensors[name] { return SourceTensorInfo(dtype: t.matrix.dtype.rawValue, shape: t.shape) }
        return extra[name]
    }

    public func matrix(_ name: String, dtype: DType, rows: Int, cols: Int) throws(BackboneError) -> WeightMatrix {
        guard let t = tensors[name] else { throw .missingTensor(name: name) }
        precondition(t.matrix.dtype == dtype && t.matrix.rows * t.matrix.cols == rows * cols)
        return t.matrix.reshaped(rows: rows, cols: cols)
    }
}
