import CKernels
import Testing
@testable import Tensor

/// Float32 sums of k ≤ 300 products of values in [-1, 1]: rounding stays far below this.
let linearTolerance: Float = 1e-4

@Suite("Linear kernels")
struct LinearTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 7, 3), (2, 13, 17), (3, 9, 8), (4, 33, 64), (5, 16, 31), (8, 21, 40), (9, 70, 33),
        (17, 40, 129), (2, 300, 16),
    ]

    @Test("every dtype and batch size matches a Double reference", arguments: DType.allCases)
    func matchesReference(dtype: DType) {
        var rng = TestRandom(seed: 7)
        for (m, n, k) in Self.shapes {
            let x = rng.floats(m * k)
            let w = WeightMatrix(values: rng.floats(n * k), rows: n, cols: k, dtype: dtype)
            let expected = referenceLinear(x, m: m, w.floats(), n: n, k: k)
            var out = Tensor(zeros: [0])
            var scratch = Tensor(zeros: [0])
            for threads in [ComputeThreads.single, ComputeThreads(2), ComputeThreads(3)] {
                Linear.apply(
                    w, input: try! Tensor(shape: [m, k], values: x), output: &out, scratch: &scratch,
                    threads: threads)
                #expect(out.shape == [m, n])
                #expect(maxAbsDiff(out.scalars, expected) < linearTolerance, "m=\(m) n=\(n) k=\(k) \(dtype)")
            }
        }
    }

    @Test("a row range computes exactly that slice of the output", arguments: DType.allCases)
    func rowRange(dtype: DType) {
        var rng = TestRandom(seed: 11)
        let (n, k) = (50, 24)
        let w = WeightMatrix(values: rng.floats(n * k), rows: n, cols: k, dtype: dtype)
        for m in [1, 2, 6, 12] {
            let x = try! Tensor(shape: [m, k], values: rng.floats(m * k))
            var full = Tensor(zeros: [0]), part = Tensor(zeros: [0]), scratch = Tensor(zeros: [0])
            Linear.apply(w, input: x, output: &full, scratch: &scratch, threads: ComputeThreads(2))
            Linear.apply(w, rows: 13..<41, input: x, output: &part, scratch: &scratch, threads: ComputeThreads(2))
            #expect(part.shape == [m, 28])
            for t in 0..<m {
                for r in 0..<28 { #expect(abs(part[t, r] - full[t, r + 13]) < linearTolerance) }
            }
        }
    }

    @Test("the portable C path agrees with the vectorised one", arguments: DType.allCases)
    func portableAgrees(dtype: DType) {
        var rng = TestRandom(seed: 3)
        let (m, n, k) = (3, 37, 45)
        let w = WeightMatrix(values: rng.floats(n * k), rows: n, cols: k, dtype: dtype)
        let x = rng.floats(m * k)
        var a = [Float](repeating: 0, count: m * n), b = a
        x.withUnsafeBufferPointer { xp in
            emu3_rows_dot(dtype.cType, w.base, k, k, xp.baseAddress, k, m, &a, n, 0, n)
            emu3_rows_dot_portable(dtype.cType, w.base, k, k, xp.baseAddress, k, m, &b, n, 0, n)
        }
        #expect(maxAbsDiff(a, b) < linearTolerance)
    }
}

@Suite("16-bit conversions")
struct ConversionTests {
    @Test("BF16 rounds to nearest even and widens exactly")
    func bf16() {
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties to even (1).
        let values: [Float] = [0, -0.0, 1, -2.5, 1 + 1 / 256, 1 + 3 / 256, 3.0e38, .infinity, -.infinity]
        let back = HalfConversion.floats(HalfConversion.bf16Bits(values), dtype: .bf16)
        let expected: [Float] = [0, -0.0, 1, -2.5, 1, 1 + 4 / 256, Float(bitPattern: 0x7F62_0000), .infinity, -.infinity]
        #expect(back == expected)
        #expect(HalfConversion.floats(HalfConversion.bf16Bits([.nan]), dtype: .bf16)[0].isNaN)
    }

    @Test("F16 rounds, saturates to infinity and keeps subnormals")
    func f16() {
        let tiny = Float(bitPattern: 0x3380_0000)  // 2^-24, the smallest f16 subnormal
        let values: [Float] = [0, 1, -2, 65504, 70000, tiny, tiny * 3, 1 + 1 / 2048, 0.1]
        let back = HalfConversion.floats(HalfConversion.f16Bits(values), dtype: .f16)
        let expected: [Float] = [0, 1, -2, 65504, .infinity, tiny, tiny * 3]
        #expect(Array(back[0...6]) == expected)
        #expect(back[7] == 1)  // halfway to 1 + 2^-10: ties to even
        #expect(abs(back[8] - 0.1) < 1e-4)
        #expect(HalfConversion.f16Bits([1]) == [0x3C00])
    }
}
