import Tensor

/// Deterministic pseudo-random numbers for tests (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func floats(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in float() * scale } }
}

/// Naive y[m, n] = x[m, k] · w[n, k]ᵀ in Double.
func referenceLinear(_ x: [Float], m: Int, _ w: [Float], n: Int, k: Int) -> [Float] {
    var y = [Float](repeating: 0, count: m * n)
    for t in 0..<m {
        for r in 0..<n {
            var s: Double = 0
            for c in 0..<k { s += Double(x[t * k + c]) * Double(w[r * k + c]) }
            y[t * n + r] = Float(s)
        }
    }
    return y
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
