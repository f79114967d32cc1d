import CKernels

/// Element types of weight matrices. Activations are always Float32; weights may stay in
/// their stored 16-bit type (no Float32 copy of a model) and are widened inside kernels.
public enum DType: String, Sendable, CaseIterable, Equatable {
    case f32 = "F32"
    case bf16 = "BF16"
    case f16 = "F16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .bf16, .f16: 2
        }
    }

    var cType: emu3_dtype {
        switch self {
        case .f32: EMU3_DTYPE_F32
        case .bf16: EMU3_DTYPE_BF16
        case .f16: EMU3_DTYPE_F16
        }
    }

    /// Whether the AVX2+FMA kernels serve this type on this CPU (else the portable C path).
    public var isVectorised: Bool { emu3_rows_vectorised(cType) != 0 }
}

/// Float32 ⇄ 16-bit conversions (round to nearest even), for tests and tools.
public enum HalfConversion {
    /// Rounds each value to BF16 and returns the raw 16-bit patterns.
    public static func bf16Bits(_ values: [Float]) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { emu3_convert_f32_to_bf16(src.baseAddress, $0.baseAddress, values.count) }
        }
        return out
    }

    /// Rounds each value to IEEE half and returns the raw 16-bit patterns.
    public static func f16Bits(_ values: [Float]) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { emu3_convert_f32_to_f16(src.baseAddress, $0.baseAddress, values.count) }
        }
        return out
    }

    /// Widens raw 16-bit patterns of `dtype` (BF16 or F16) to Float32.
    public static func floats(_ bits: [UInt16], dtype: DType) -> [Float] {
        precondition(dtype != .f32, "floats(_:dtype:) takes 16-bit patterns")
        var out = [Float](repeating: 0, count: bits.count)
        bits.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { emu3_convert_to_f32(dtype.cType, src.baseAddress, $0.baseAddress, bits.count) }
        }
        return out
    }
}
