// Element types and per-tensor facts of the safetensors format
// (https://github.com/huggingface/safetensors, README "Format").

/// The element types this reader accepts. Sub-byte and exotic types (F4, F8_*, C64, ...)
/// are rejected as unknown: no Emu3 checkpoint uses them.
public enum SafeTensorsDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// The name as written in a header, e.g. `BF16`.
    public var description: String { rawValue }
}

/// What a header says about one tensor, after validation.
public struct TensorInfo: Sendable, Hashable {
    public let dtype: SafeTensorsDType
    /// Dimensions, outermost first (row-major); `[]` is a scalar.
    public let shape: [Int]
    /// `product(shape) × dtype.byteSize`; 0 for a zero-size tensor.
    public let byteCount: Int
    /// Where the bytes are, relative to the start of the data section (after the header).
    public let dataRange: Range<Int>

    /// Number of elements, `product(shape)` (1 for a scalar).
    public var elementCount: Int { byteCount / dtype.byteSize }

    public init(dtype: SafeTensorsDType, shape: [Int], byteCount: Int, dataRange: Range<Int>) {
        self.dtype = dtype
        self.shape = shape
        self.byteCount = byteCount
        self.dataRange = dataRange
    }
}
